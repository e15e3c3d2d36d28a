//! "Copy members from": a small panel (like Bulk add: the focus goes in, Escape or Cancel
//! closes it and the focus returns) to choose another group, see who of it is new here, and
//! add them to the draft. What it does is [`CopyFrom`]'s.

use super::notice::NoticeArea;
use crate::core::copy_members::CopyPreview;
use crate::state::copy_members::CopyFrom;
use crate::state::editor::EditorState;
use leptos::prelude::*;

/// How many of the new people the preview names; the rest are counted.
const NAMES_SHOWN: usize = 12;

#[component]
pub fn CopyMembers(editor: EditorState) -> impl IntoView {
    let copy = CopyFrom::new(editor);
    view! {
        <div class="copy-members" data-escape="copy-cancel">
            <button
                type="button"
                id="copy-members"
                aria-expanded=move || copy.open.get().to_string()
                on:click=move |_| copy.toggle()
            >
                "Copy members from"
            </button>
            {move || copy.open.get().then(|| panel(copy))}
        </div>
    }
}

fn panel(copy: CopyFrom) -> impl IntoView {
    view! {
        <div class="copy-panel" role="group" aria-labelledby="copy-members">
            <div class="field">
                <label for="copy-query">"Group to copy from"</label>
                <input
                    id="copy-query"
                    type="search"
                    aria-describedby="copy-note"
                    autocomplete="off"
                    prop:value=move || copy.query.get()
                    on:input=move |ev| copy.query.set(event_target_value(&ev))
                />
            </div>
            {choices(copy)}
            <NoticeArea notice=copy.notice />
            {move || preview_view(copy, copy.preview())}
        </div>
    }
}

/// The groups matching the search, each a button that reads it. Drawn anew as the search
/// changes (20 at most): no keyed list, whose code would weigh more than these rows.
fn choices(copy: CopyFrom) -> impl IntoView {
    let shown = Memo::new(move |_| copy.shown());
    view! {
        <ul class="copy-choices" aria-label="Groups to copy from">
            {move || shown.get().0.into_iter().map(|(id, name)| choice(copy, id, name)).collect_view()}
        </ul>
        <p class="hint" id="copy-note" aria-live="polite">{move || shown.get().1}</p>
    }
}

fn choice(copy: CopyFrom, id: String, name: String) -> impl IntoView {
    let label = name.clone();
    let chosen = id.clone();
    view! {
        <li>
            <button
                type="button"
                class="small"
                aria-pressed=move || copy.is_chosen(&chosen).to_string()
                on:click=move |_| copy.choose(id.clone(), name.clone())
            >
                {label}
            </button>
        </li>
    }
}

/// Who is new, how many are members already, and "Add N members" beside Cancel.
fn preview_view(copy: CopyFrom, p: Option<CopyPreview>) -> impl IntoView {
    let name = copy
        .source
        .with(|s| s.as_ref().map(|s| s.name.clone()).unwrap_or_default());
    let empty = p.as_ref().is_none_or(|p| p.new.is_empty());
    let add = p.as_ref().map(|p| {
        view! {
            <button type="button" class="primary" disabled=empty on:click=move |_| copy.apply()>
                {p.add_label()}
            </button>
        }
    });
    view! {
        {p.map(|p| view! {
            <div class="copy-preview" id="copy-preview" tabindex="-1" aria-live="polite">
                <p><strong>"From “"<bdi>{name}</bdi>"”: "{p.summary()}</strong></p>
                {(!empty).then(|| view! { <p class="hint list">{p.names(NAMES_SHOWN)}</p> })}
            </div>
        })}
        <div class="actions">
            {add}
            <button type="button" id="copy-cancel" on:click=move |_| copy.close()>"Cancel"</button>
        </div>
    }
}
