//! Feedback for an action: progress and success are polite status messages, errors are alerts.

use crate::browser::http;
use crate::core::error::{DEPLOY_GUIDE_HREF, DEPLOY_GUIDE_TEXT};
use crate::state::notice::Notice;
use leptos::prelude::*;

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
        {move || error_text().map(|t| view! { <div class="notice error" role="alert">{with_guide_link(t)}</div> })}
    }
}

/// A message as text, with its mention of the deployment guide (CORS, security policy) as a
/// link to it.
fn with_guide_link(text: String) -> AnyView {
    match text.split_once(DEPLOY_GUIDE_TEXT) {
        Some((before, after)) => view! {
            {before.to_string()}
            <a href=DEPLOY_GUIDE_HREF>{DEPLOY_GUIDE_TEXT}</a>
            {after.to_string()}
        }
        .into_any(),
        None => text.into_any(),
    }
}

/// The one app-wide line that says what requests are waiting for (the server's rate limit, the
/// request budget), with a countdown and a button to stop waiting. `text` is empty when
/// nothing waits.
#[component]
pub fn WaitStatus(text: RwSignal<String>) -> impl IntoView {
    // No wrapper: empty, the status takes no room in the layout (`.notice:empty`).
    view! {
        <p class="notice" role="status">{move || text.get()}</p>
        {move || text.with(|t| !t.is_empty()).then(|| view! {
            <div class="actions">
                <button type="button" on:click=|_| http::cancel_waits()>"Cancel waiting"</button>
            </div>
        })}
    }
}
