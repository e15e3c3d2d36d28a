//! Property tests of the save pipeline (filled in next).
