//! The review of a change across groups: every group with its +1 or −1 and its new member
//! count, what it costs at the request budget, the person's user name to type when they leave
//! more than three groups, then "Confirm changes" or "Back" (Escape). Nothing is sent before.

use super::field::TextField;
use crate::browser::focus::{focus_soon, focus_when_shown};
use crate::core::cross_change::{sign, CrossChange, Direction, GroupDelta};
use crate::core::validation::{Issue, Severity};
use crate::state::cross::CrossChanges;
use crate::state::use_app_state;
use leptos::prelude::*;

#[component]
pub fn CrossReview(change: CrossChange) -> impl IntoView {
    let app = use_app_state();
    let cross = app.cross;
    focus_when_shown("cross-review-heading");
    let typed_name = change.typed_name().map(str::to_string);
    let removes = change
        .groups
        .iter()
        .any(|d| d.direction == Direction::Remove);
    let empties = change
        .groups
        .iter()
        .any(|d| d.members_after() == 0 && d.direction == Direction::Remove);
    view! {
        <section class="review cross-review" aria-labelledby="cross-review-heading" data-escape="cross-back">
            <h3 id="cross-review-heading" tabindex="-1">"Review changes"</h3>
            <p class="cross-title"><bdi>{change.title()}</bdi></p>
            <p>{change.cost()} ". Each group is read just before it is written, so changes made by others meanwhile are kept."</p>
            {groups_table(&change)}
            {removes.then(|| view! {
                <p class="warning-text">"Removed from a group, the person loses the access it gives them."</p>
            })}
            {empties.then(|| view! {
                <p class="warning-text">"Groups with 0 members after the change are left empty."</p>
            })}
            {typed_name.map(|name| typed_view(cross, name))}
            <div class="actions">
                <button
                    type="button"
                    class=if removes { "primary danger-fill" } else { "primary" }
                    disabled=move || !cross.can_confirm()
                    on:click=move |_| cross.confirm(app)
                >
                    "Confirm changes"
                </button>
                <button type="button" id="cross-back" on:click=move |_| back(cross)>"Back"</button>
            </div>
        </section>
    }
}

fn back(cross: CrossChanges) {
    cross.back();
    focus_soon("person-heading");
}

fn typed_view(cross: CrossChanges, name: String) -> impl IntoView {
    let wanted = name.clone();
    let issues = Signal::derive(move || {
        let typing = cross
            .review
            .with(|c| c.as_ref().is_none_or(|c| c.typing_name(&cross.typed.get())));
        if typing {
            return Vec::new();
        }
        vec![Issue {
            severity: Severity::Error,
            message: format!("This is not the user name, “{wanted}”."),
        }]
    });
    view! {
        <div class="confirm-name">
            <p class="warning-text">
                "This takes the person out of more than three groups. Type their user name, “" <bdi>{name}</bdi> "”, to confirm."
            </p>
            <TextField
                id="cross-confirm-name"
                label="Type the user name to confirm"
                value=cross.typed
                on_input=move |v| cross.typed.set(v)
                issues=issues
            />
        </div>
    }
}

fn groups_table(change: &CrossChange) -> impl IntoView {
    view! {
        <div class="person-groups-wrap">
            <table class="cross-table">
                <caption>"Groups this change writes"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Group"</th>
                        <th scope="col" class="count">"Change"</th>
                        <th scope="col" class="count">"Members after"</th>
                    </tr>
                </thead>
                <tbody>{change.groups.iter().map(row).collect_view()}</tbody>
            </table>
        </div>
    }
}

fn row(d: &GroupDelta) -> impl IntoView {
    let (before, after) = (d.members_before, d.members_after());
    view! {
        <tr>
            <td><bdi>{d.group_name.clone()}</bdi></td>
            <td class="count">{sign(d.direction)}</td>
            <td class="count">{format!("{before} \u{2192} {after}")}</td>
        </tr>
    }
}
