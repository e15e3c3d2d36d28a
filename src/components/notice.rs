//! Feedback for an action: progress and success are polite status messages, errors are alerts.

use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Notice {
    Progress(String),
    Success(String),
    Error(String),
}

/// Renders a section's latest notice. The status region stays in the page so screen readers
/// announce changes to it; an alert is inserted when there is an error, which announces it.
#[component]
pub fn NoticeArea(notice: RwSignal<Option<Notice>>) -> impl IntoView {
    let status_text = move || match notice.get() {
        Some(Notice::Progress(t)) | Some(Notice::Success(t)) => t,
        _ => String::new(),
    };
    let is_success = move || matches!(notice.get(), Some(Notice::Success(_)));
    let error_text = move || match notice.get() {
        Some(Notice::Error(t)) => Some(t),
        _ => None,
    };
    view! {
        <p class="notice" class:success=is_success role="status" aria-live="polite">
            {status_text}
        </p>
        {move || error_text().map(|t| view! { <div class="notice error" role="alert">{t}</div> })}
    }
}
