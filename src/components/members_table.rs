//! The members of the group being edited, one table row each, with a Remove button per row.

use crate::core::draft::{member_label, GroupDraft};
use leptos::prelude::*;

#[component]
pub fn MembersTable(
    draft: RwSignal<Option<GroupDraft>>,
    /// Told what happened, for the editor's status line.
    on_removed: Callback<String>,
) -> impl IntoView {
    // A memo, so typing the display name does not rebuild the rows: only a member change does.
    let members = Memo::new(move |_| {
        draft.with(|d| d.as_ref().map(|d| d.members.clone()).unwrap_or_default())
    });
    let count = move || draft.with(|d| d.as_ref().map_or(0, |d| d.members.len()));

    view! {
        <table class="members">
            <caption>"Members"</caption>
            <thead>
                <tr>
                    <th scope="col">"Name or email"</th>
                    <th scope="col">"User ID"</th>
                    <th scope="col">
                        <span class="visually-hidden">"Actions"</span>
                    </th>
                </tr>
            </thead>
            <tbody>
                {move || members.get().into_iter().map(move |member| {
                        let label = member_label(&member).to_string();
                        let value = member.value.clone();
                        let button_name = format!("Remove {label}");
                        let removed_label = label.clone();
                        view! {
                            <tr>
                                <td>{label}</td>
                                <td class="mono">{member.value.clone()}</td>
                                <td>
                                    <button
                                        type="button"
                                        class="danger small"
                                        aria-label=button_name
                                        on:click=move |_| {
                                            let mut removed = false;
                                            draft.update(|d| {
                                                if let Some(d) = d {
                                                    removed = d.remove_member(&value);
                                                }
                                            });
                                            if removed {
                                                on_removed.run(removed_label.clone());
                                            }
                                        }
                                    >
                                        "Remove"
                                    </button>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
            </tbody>
        </table>
        {move || {
            (count() == 0)
                .then(|| {
                    view! {
                        <p class="empty">
                            "No members. Add one below; saving an empty list removes everyone from the group."
                        </p>
                    }
                })
        }}
    }
}
