//! "Activity": this session's saves and save attempts, downloadable as JSON.

use crate::browser::page::download_json;
use crate::browser::time::local_date_time;
use crate::core::activity::{to_json, ActivityEntry};
use crate::core::route::Route;
use crate::state::use_app_state;
use leptos::prelude::*;

/// One save or attempt: when (local date and time), the group (a link to it), what changed in
/// words, and the result.
fn entry_row(e: ActivityEntry) -> impl IntoView {
    let href = Route::Group(e.group_id.clone()).to_hash();
    let summary = e.change_summary();
    view! {
        <tr>
            <td>{local_date_time(&e.at)}</td>
            <td>
                <a href=href><bdi>{e.group_name}</bdi></a>
                " "
                <span class="mono">"("{e.group_id}")"</span>
            </td>
            <td>{summary}</td>
            <td>
                {e.outcome.label()}
                {e.detail.map(|d| view! { <div class="hint">{d}</div> })}
            </td>
        </tr>
    }
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
                            <th scope="col">"Time"</th>
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
                                .map(entry_row)
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
