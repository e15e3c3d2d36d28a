//! "Activity": this server's saves and save attempts (kept in the tab across reloads, bounded),
//! downloadable as JSON; a saved entry's "Restore" brings the group back as it was before.

use crate::browser::page::download_json;
use crate::browser::time::local_date_time;
use crate::components::notice::NoticeArea;
use crate::core::activity::{to_json, ActivityEntry, Outcome};
use crate::core::route::Route;
use crate::core::undo::restore_label;
use crate::state::notice::Notice;
use crate::state::{undo, use_app_state, AppState};
use leptos::prelude::*;

/// One save or attempt (the `i`th): when (local date and time), the group (a link to it), what
/// changed in words, and the result; a save has Restore, or says why it has none. The earlier
/// state is read from the log when Restore is pressed, not copied into every row.
fn entry_row(
    state: AppState,
    notice: RwSignal<Option<Notice>>,
    i: usize,
    e: &ActivityEntry,
) -> impl IntoView {
    let href = Route::Group(e.group_id.clone()).to_hash();
    let summary = e.change_summary();
    let when = local_date_time(&e.at);
    let label = restore_label(e, &when);
    let restore = if e.outcome == Outcome::Saved && e.before.is_some() {
        let id = e.group_id.clone();
        let click = move |_| {
            let before = state
                .activity
                .with_untracked(|l| l.entries.get(i).and_then(|e| e.before.clone()));
            if let Some(before) = before {
                undo::restore(state, id.clone(), before, notice);
            }
        };
        Some(view! { <button type="button" class="restore" aria-label=label on:click=click>"Restore"</button> }.into_any())
    } else {
        e.no_before
            .clone()
            .map(|why| view! { <div class="hint">{why}</div> }.into_any())
    };
    view! {
        <tr>
            <td>{when}</td>
            <td>
                <a href=href><bdi>{e.group_name.clone()}</bdi></a>
                " "
                <span class="mono">"("{e.group_id.clone()}")"</span>
            </td>
            <td>{summary}</td>
            <td>
                {e.outcome.label()}
                {e.detail.clone().map(|d| view! { <div class="hint">{d}</div> })}
                {restore}
            </td>
        </tr>
    }
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let state = use_app_state();
    let log = state.activity;
    let notice = RwSignal::new(None::<Notice>);
    view! {
        <section class="card" aria-labelledby="activity-heading">
            <h2 id="activity-heading">"Activity in this session"</h2>
            <NoticeArea notice=notice />
            {move || log.with(|l| l.dropped_note()).map(|n| view! { <p class="hint" id="activity-dropped">{n}</p> })}
            {move || {
                if log.with(|l| l.entries.is_empty()) {
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
                            log.with(|l| {
                                l.entries
                                    .iter()
                                    .enumerate()
                                    .rev()
                                    .map(|(i, e)| entry_row(state, notice, i, e))
                                    .collect_view()
                            })
                        }}
                    </tbody>
                </table>
                <p class="hint">"Restore opens the group with the draft set to how it was before that save: you review it, and nothing is sent before “Confirm save”. Activity is kept in this tab only (the newest entries), never the API key."</p>
                <div class="actions">
                    <button type="button" on:click=move |_| {
                        let _ = log.with_untracked(|l| download_json(&to_json(&l.entries), "omni-scim-panel-activity.json"));
                    }>"Download as JSON"</button>
                </div>
                }
                    .into_any()
            }}
        </section>
    }
}
