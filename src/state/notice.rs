//! What an action tells the admin: plain data, shown by the notice widget.

/// Progress and success are polite status messages; errors are alerts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Progress(String),
    Success(String),
    Error(String),
}
