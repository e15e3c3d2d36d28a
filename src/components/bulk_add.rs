//! "Bulk add": paste emails or choose a CSV file; see what would happen before anything
//! changes; "Apply" adds the users found. Emails are resolved against the directory, so 500
//! emails cost a handful of list requests, not 500 lookups. The text and whether the panel is
//! open are the editor's (text never applied holds Save); Cancel and Escape clear the text.

use super::notice::NoticeArea;
use super::progress::ListingProgress;
use crate::browser::focus::focus_soon;
use crate::browser::http::ScreenReads;
use crate::core::bulk::{preview, BulkPreview};
use crate::core::directory::{Directory, DirectoryUser};
use crate::state::load::{self, ListingState};
use crate::state::notice::Notice;
use crate::state::use_app_state;
use leptos::prelude::*;
use leptos::task::spawn_local;
use std::sync::Arc;
use wasm_bindgen_futures::JsFuture;

fn names(users: &[DirectoryUser]) -> String {
    users
        .iter()
        .map(|u| u.email.clone())
        .collect::<Vec<_>>()
        .join(", ")
}

#[component]
fn Category(title: &'static str, count: usize, items: String) -> impl IntoView {
    view! {
        <div class="category">
            <p><strong>{format!("{title}: {count}")}</strong></p>
            {(count > 0).then(|| view! { <p class="hint list">{items}</p> })}
        </div>
    }
}

#[component]
pub fn BulkAdd(
    on_apply: Callback<Vec<DirectoryUser>>,
    /// The emails pasted, never applied yet.
    text: RwSignal<String>,
    open: RwSignal<bool>,
) -> impl IntoView {
    let state = use_app_state();
    let directory = RwSignal::new(None::<Arc<Directory>>);
    let progress = RwSignal::new(ListingState::None);
    let notice = RwSignal::new(None::<Notice>);
    let reads = ScreenReads::new();

    // Live once the directory is here: editing the text updates the preview at once.
    let result = Memo::new(move |_| -> Option<BulkPreview> {
        let dir = directory.get()?;
        let t = text.get();
        if t.trim().is_empty() {
            return None;
        }
        Some(state.draft.with(|d| {
            let ids = d
                .iter()
                .flat_map(|d| d.members.iter().map(|m| m.value.as_str()));
            preview(&t, &dir, ids)
        }))
    });

    let load_directory = move || {
        if progress.get_untracked().is_some() || directory.with_untracked(Option::is_some) {
            return;
        }
        progress.set(Some((0, None)));
        notice.set(Some(Notice::Progress(
            "Listing users to resolve the emails…".into(),
        )));
        spawn_local(async move {
            let listed = load::directory(state.session, false, reads, move |n, total| {
                progress.set(Some((n, total)));
            })
            .await;
            // The screen may have gone meanwhile: then there is nothing to tell.
            if progress.try_set(None).is_some() {
                return;
            }
            match listed {
                Ok(dir) => {
                    notice.set(Some(Notice::Progress(format!(
                        "{} users listed.",
                        dir.len()
                    ))));
                    directory.set(Some(dir));
                }
                Err(message) => notice.set(Some(Notice::Error(message))),
            }
        });
    };

    let read_file = move |ev: leptos::ev::Event| {
        let input: Option<web_sys::HtmlInputElement> = event_target_input(&ev);
        let Some(file) = input.and_then(|i| i.files()).and_then(|f| f.get(0)) else {
            return;
        };
        spawn_local(async move {
            match JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|v| v.as_string())
            {
                Some(content) => {
                    text.set(content);
                    load_directory();
                }
                None => notice.set(Some(Notice::Error(
                    "Could not read that file as text.".into(),
                ))),
            }
        });
    };

    // Closing hands the focus back to the button that opened the panel. Cancel (and Escape)
    // also clears the text: what was pasted is then not waiting to be applied.
    let close = move || {
        if open.get_untracked() {
            open.set(false);
            focus_soon("bulk-add");
        }
    };
    let cancel = move || {
        text.set(String::new());
        close();
    };
    let toggle = move |_| {
        open.update(|o| *o = !*o);
        if open.get_untracked() {
            focus_soon("bulk-text");
        }
    };

    let apply = move |_| {
        let Some(p) = result.get_untracked() else {
            return;
        };
        let n = p.resolved.len();
        on_apply.run(p.resolved);
        text.set(String::new());
        close();
        notice.set(Some(Notice::Success(format!(
            "Added {n} members. Not saved yet."
        ))));
    };

    view! {
        <div class="bulk-add" data-escape="bulk-cancel">
            <button type="button" id="bulk-add" aria-expanded=move || open.get().to_string() on:click=toggle>
                "Bulk add"
            </button>
            {move || open.get().then(|| view! {
                <div class="bulk-panel">
                    {emails_field(text, result)}
                    <div class="field">
                        <label for="bulk-file">"CSV file"</label>
                        <input id="bulk-file" type="file" accept=".csv,text/csv,text/plain" on:change=read_file />
                    </div>
                    <div class="actions">
                        // aria-disabled, not disabled: a disabled button drops the keyboard focus.
                        <button type="button" on:click=move |_| load_directory() aria-disabled=move || if directory.with(Option::is_some) { "true" } else { "false" }>
                            "Preview"
                        </button>
                    </div>
                    <ListingProgress progress=progress />
                    {move || result.get().map(preview_view)}
                    <div class="actions">
                        <button
                            type="button"
                            class="primary"
                            disabled=move || result.with(|p| p.as_ref().is_none_or(|p| p.resolved.is_empty()))
                            on:click=apply
                        >
                            {move || format!("Apply: add {}", result.with(|p| p.as_ref().map_or(0, |p| p.resolved.len())))}
                        </button>
                        <button type="button" id="bulk-cancel" on:click=move |_| cancel()>"Cancel"</button>
                    </div>
                </div>
            })}
            <NoticeArea notice=notice />
        </div>
    }
}

/// What would happen, by category, before anything changes.
fn preview_view(p: BulkPreview) -> impl IntoView {
    view! {
        <div class="bulk-preview" id="bulk-preview" aria-live="polite">
            <Category title="Will be added" count=p.resolved.len() items=names(&p.resolved) />
            <Category title="Already members" count=p.already_members.len() items=names(&p.already_members) />
            <Category title="Unknown emails" count=p.unknown.len() items=p.unknown.join(", ") />
            <Category title="Duplicates" count=p.duplicates.len() items=p.duplicates.join(", ") />
            <Category title="Not email addresses" count=p.malformed.len() items=p.malformed.join(", ") />
        </div>
    }
}

/// The emails pasted; marked invalid while the preview finds text that is not an email.
fn emails_field(text: RwSignal<String>, result: Memo<Option<BulkPreview>>) -> impl IntoView {
    view! {
        <div class="field">
            <label for="bulk-text">"Emails to add"</label>
            <textarea
                id="bulk-text"
                rows="6"
                // The preview says what in the text is not an email address.
                aria-describedby="bulk-text-hint bulk-preview"
                aria-invalid=move || if result.with(|p| p.as_ref().is_some_and(|p| !p.malformed.is_empty())) { "true" } else { "false" }
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <p class="hint" id="bulk-text-hint">
                "One per line, or separated by commas, semicolons or spaces; or a CSV with an email column."
            </p>
        </div>
    }
}

/// The file input an event came from.
pub fn event_target_input(ev: &leptos::ev::Event) -> Option<web_sys::HtmlInputElement> {
    use wasm_bindgen::JsCast;
    ev.target()?.dyn_into().ok()
}
