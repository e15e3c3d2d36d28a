//! A person's tools under their groups: "Refresh", "Add to groups", "Copy groups from",
//! "Remove from all groups", their panels, and the review of the change they build. What they do is
//! [`PersonTools`]' and [`crate::state::cross::CrossChanges`]' business.

use crate::components::cross_review::CrossReview;
use crate::components::find_user::search_combobox;
use crate::core::directory::DirectoryUser;
use crate::core::memberships::GroupInfo;
use crate::state::person_tools::{PersonTools, Tool, CHOICES_SHOWN};
use crate::state::use_app_state;
use crate::state::user_search::UserSearch;
use leptos::prelude::*;

/// The buttons, the open panel and the review.
pub fn tools_view(
    tools: PersonTools,
    user: DirectoryUser,
    has_groups: Signal<bool>,
) -> impl IntoView {
    let app = use_app_state();
    let (cross, people) = (app.cross, app.people);
    let busy = Signal::derive(move || cross.is_running());
    // The tools need the person's groups read; Refresh is there either way (a failed read).
    let ready = Signal::derive(move || {
        people
            .index
            .with(|i| i.as_ref().is_some_and(|i| i.is_complete()))
    });
    let for_remove = user.clone();
    let for_panel = user.clone();
    let id = user.id.clone();
    view! {
        <div class="actions person-tools">
            <button type="button" disabled=move || people.reading.get() on:click=move |_| people.refresh()>
                "Refresh"
            </button>
            {move || ready.get().then(|| change_buttons(tools, for_remove.clone(), busy, has_groups))}
        </div>
        {move || match tools.open.get() {
            Tool::AddTo => add_panel(tools, for_panel.clone()).into_any(),
            Tool::CopyFrom => copy_panel(tools, for_panel.clone()).into_any(),
            Tool::None => ().into_any(),
        }}
        {move || cross.review.get().filter(|c| c.person.id == id).map(|c| view! { <CrossReview change=c /> })}
    }
}

/// "Add to groups", "Copy groups from" (each opens its panel), "Remove from all groups".
fn change_buttons(
    tools: PersonTools,
    user: DirectoryUser,
    busy: Signal<bool>,
    has_groups: Signal<bool>,
) -> impl IntoView {
    view! {
        <button type="button" id="add-to-groups" aria-expanded=move || (tools.open.get() == Tool::AddTo).to_string()
            disabled=busy on:click=move |_| tools.toggle(Tool::AddTo)>"Add to groups"</button>
        <button type="button" id="copy-groups-from" aria-expanded=move || (tools.open.get() == Tool::CopyFrom).to_string()
            disabled=busy on:click=move |_| tools.toggle(Tool::CopyFrom)>"Copy groups from"</button>
        <button type="button" class="danger" disabled=move || busy.get() || !has_groups.get()
            on:click=move |_| tools.review_remove_all(&user)>"Remove from all groups"</button>
    }
}

/// "Add to groups": "Filter groups", the groups they are not in as checkboxes, "Review changes".
fn add_panel(tools: PersonTools, user: DirectoryUser) -> impl IntoView {
    let id = user.id.clone();
    let choices = Memo::new(move |_| tools.choices(&id));
    let chosen = move || tools.chosen.with(Vec::len);
    view! {
        <div class="copy-panel add-to-panel" role="group" aria-labelledby="add-to-groups" data-escape="add-to-groups">
            <div class="field">
                <label for="add-to-filter">"Filter groups"</label>
                <input id="add-to-filter" type="search" autocomplete="off" aria-describedby="add-to-note"
                    prop:value=move || tools.filter.get()
                    on:input=move |ev| tools.filter.set(event_target_value(&ev)) />
            </div>
            <ul class="choice-list" aria-label="Groups to add to">
                {move || choices.get().into_iter().map(|g| choice_view(tools, g)).collect_view()}
            </ul>
            <p class="hint" id="add-to-note" aria-live="polite">{move || choices_note(choices.with(Vec::len), chosen())}</p>
            <div class="actions">
                <button type="button" class="primary" disabled=move || chosen() == 0
                    on:click=move |_| tools.review_add(&user)>"Review changes"</button>
            </div>
        </div>
    }
}

fn choices_note(shown: usize, chosen: usize) -> String {
    let more = if shown >= CHOICES_SHOWN {
        format!(" Only the first {CHOICES_SHOWN} are listed: type to narrow them.")
    } else if shown == 0 {
        " No group matches (the person's own groups are not listed).".to_string()
    } else {
        String::new()
    };
    format!("{chosen} chosen.{more}")
}

fn choice_view(tools: PersonTools, g: GroupInfo) -> impl IntoView {
    let (id, for_change) = (g.id.clone(), g.id.clone());
    let label = format!("{} ({} members)", g.label(), g.members);
    view! {
        <li>
            <label class="check">
                <input type="checkbox" prop:checked=move || tools.is_chosen(&id)
                    on:change=move |ev| tools.set_chosen(&for_change, event_target_checked(&ev)) />
                <bdi>{label}</bdi>
            </label>
        </li>
    }
}

/// "Copy groups from": Find person's search; choosing someone opens the review.
fn copy_panel(tools: PersonTools, user: DirectoryUser) -> impl IntoView {
    let app = use_app_state();
    let said = RwSignal::new(None::<String>);
    let on_pick = Callback::new(move |from: DirectoryUser| {
        if from.id == user.id {
            said.set(Some("Choose someone else: this is the same person.".into()));
        } else if tools.nothing_to_copy(&user, &from) {
            said.set(Some(format!(
                "{} is already in every group of {}.",
                user_label(&user),
                user_label(&from)
            )));
        } else {
            said.set(None);
            tools.review_copy_from(&user, &from);
        }
    });
    let search = UserSearch::for_copy_from(app, on_pick);
    view! {
        <div class="copy-panel" role="group" aria-labelledby="copy-groups-from" data-escape="copy-groups-from">
            {search_combobox(search, "Person to copy groups from", "Type a name or an email and choose a match: this person is then added to every group of theirs.")}
            <p class="hint" aria-live="polite">{move || said.get()}</p>
        </div>
    }
}

fn user_label(u: &DirectoryUser) -> String {
    crate::core::memberships::person_name(u).to_string()
}
