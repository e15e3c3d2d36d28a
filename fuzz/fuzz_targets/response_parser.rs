//! Arbitrary bytes as a server's answer, through every parser that reads one. The body lives in
//! `fuzz/checks/response_parser.rs`, which `cargo test` also runs over every seed and artifact
//! (`tests/parsers_never_panic.rs`), so the corpus cannot drift from what the parsers read.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../checks/response_parser.rs"]
mod checks;

fuzz_target!(|data: &[u8]| {
    checks::check(data);
});
