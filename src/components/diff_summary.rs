//! A membership change in words (rename, added, removed, unchanged), as the review and the
//! conflict view show it.

use crate::core::diff::MembershipDiff;
use crate::core::draft::member_label;
use crate::core::model::Member;
use crate::core::pending::member_kind;
use crate::state::AppState;
use leptos::prelude::*;

/// Rows listed per section; a bulk change of thousands shows a count for the rest.
const LIST_LIMIT: usize = 200;

fn member_items(members: &[Member], sign: &'static str) -> impl IntoView {
    let extra = members.len().saturating_sub(LIST_LIMIT);
    // "Embed user" or "Unknown user" after the member, as the member list says it.
    // Optional: the conflict view is also shown (and tested) without the app's state.
    let session = use_context::<AppState>().map(|a| a.session);
    let kind = move |id: &str| {
        let s = session?;
        s.directory.with_untracked(|d| {
            s.embed
                .with_untracked(|e| member_kind(id, d.as_deref(), e.as_deref()))
        })
    };
    view! {
        <ul class="change-list">
            {members
                .iter()
                .take(LIST_LIMIT)
                .map(|m| {
                    let label = member_label(m).to_string();
                    let id = (label != m.value).then(|| format!(" ({})", m.value));
                    let kind = kind(&m.value).map(|k| format!(" · {k}"));
                    view! { <li>{sign}" "<bdi>{label}</bdi><span class="mono">{id}</span>{kind}</li> }
                })
                .collect_view()}
            {(extra > 0).then(|| view! { <li>{format!("…and {extra} more")}</li> })}
        </ul>
    }
}

/// A membership change in words: rename, added, removed, unchanged.
#[component]
pub fn DiffSummary(diff: MembershipDiff, #[prop(optional)] show_unchanged: bool) -> impl IntoView {
    let rename = match &diff.renamed {
        Some((old, new)) => {
            // <bdi>: a direction control in a name cannot reorder the sentence around it.
            view! { <p>"Name: “"<bdi>{old.clone()}</bdi>"” → “"<bdi>{new.clone()}</bdi>"”"</p> }
                .into_any()
        }
        None => view! { <p>"Name unchanged."</p> }.into_any(),
    };
    view! {
        <div class="diff">
            {rename}
            <p>{format!("Members added: {}", diff.added.len())}</p>
            {(!diff.added.is_empty()).then(|| member_items(&diff.added, "+"))}
            <p>{format!("Members removed: {}", diff.removed.len())}</p>
            {(!diff.removed.is_empty()).then(|| member_items(&diff.removed, "−"))}
            {show_unchanged.then(|| view! { <p>{format!("Members unchanged: {}", diff.unchanged)}</p> })}
        </div>
    }
}
