//! "Activity": this session's saves and save attempts, downloadable as JSON.

use crate::browser::page::download_json;
use crate::core::activity::{time_of_day, to_json, ActivityEntry};
use crate::core::validation::isolate;
use crate::state::use_app_state;
use leptos::prelude::*;

fn change_summary(e: &ActivityEntry) -> String {
    let mut parts = Vec::new();
    if let Some((old, new)) = &e.renamed {
        parts.push(format!("renamed “{}” → “{}”", isolate(old), isolate(new)));
    }
    parts.push(format!("+{} −{}", e.added, e.removed));
    parts.join(", ")
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let entries = use_app_state().activity;
    view! {
        <section class="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Activity in this session"</h2>
            {move || {
                if entries.with(Vec::is_empty) {
                    return view! { <p class="empty">"No saves yet in this session. Saves and failed attempts appear here."</p> }.into_any();
                }
                view! {
                <table class="activity">
                    <caption>"Saves and attempts"</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Time (UTC)"</th>
                            <th scope="col">"Group"</th>
                            <th scope="col">"Change"</th>
                            <th scope="col">"Result"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            entries
                                .get()
                                .into_iter()
                                .rev()
                                .map(|e| {
                                    view! {
                                        <tr>
                                            <td>{time_of_day(&e.at)}</td>
                                            <td>{isolate(&e.group_name)}" "<span class="mono">"("{e.group_id.clone()}")"</span></td>
                                            <td>{e.method}" · "{change_summary(&e)}</td>
                                            <td>
                                                {e.outcome.label()}
                                                {e.detail.clone().map(|d| view! { <div class="hint">{d}</div> })}
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
                <div class="actions">
                    <button type="button" on:click=move |_| {
                        let _ = entries.with_untracked(|e| download_json(&to_json(e), "omni-scim-panel-activity.json"));
                    }>"Download as JSON"</button>
                </div>
                }
                    .into_any()
            }}
        </section>
    }
}
