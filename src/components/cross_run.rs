//! A change across groups being applied: "Applying changes" with "3 of 5 groups", the wait
//! after a 429, "Stop"; then a table with each group's result, "Retry failed" and "Close".
//! And after a reload in the middle: "Resume" or "Discard the rest".

use crate::core::cross_change::{plural, CrossChange};
use crate::core::cross_run::{summary, CrossRun, GroupResult};
use crate::core::cross_stored::StoredRun;
use crate::core::route::Route;
use crate::state::cross::CrossChanges;
use crate::state::use_app_state;
use leptos::prelude::*;

/// The run on screen, if there is one, and the interrupted run's offer.
#[component]
pub fn CrossRunPanel() -> impl IntoView {
    let app = use_app_state();
    let cross = app.cross;
    view! {
        {move || cross.interrupted.get().map(|s| interrupted_view(cross, s))}
        {move || cross.problem.get().map(|p| view! { <p class="notice error" role="alert">{p}</p> })}
        <div role="status" class="cross-status">
            {move || cross.run.with(|r| r.as_ref().map(status_text))}
        </div>
        {move || cross.run.with(|r| r.as_ref().map(|r| run_view(cross, r)))}
    }
}

/// Said politely as the run moves: "Applying changes: 3 of 5 groups", then the summary.
fn status_text(run: &CrossRun) -> String {
    let (done, all) = run.progress();
    if run.is_running() {
        format!("Applying changes: {done} of {all} groups")
    } else {
        format!("Changes applied. {}.", summary(run.results()))
    }
}

fn run_view(cross: CrossChanges, run: &CrossRun) -> impl IntoView {
    let (done, all) = run.progress();
    let running = run.is_running();
    let stopping = run.stop_requested() && running;
    let retryable = !running
        && run
            .results()
            .iter()
            .any(|r| matches!(r, GroupResult::Failed { .. } | GroupResult::Stopped));
    let app = use_app_state();
    view! {
        <section class="card cross-run" aria-labelledby="cross-run-heading">
            <h3 id="cross-run-heading"><bdi>{run.change().title()}</bdi></h3>
            <label class="progress">
                {format!("{done} of {all} groups")}
                <progress aria-label="Applying changes" max=all.max(1).to_string() value=done.to_string()></progress>
            </label>
            {move || cross.waiting.get().map(|s| view! {
                <p class="warning-text">{format!("Waiting {s} s (the server asked to slow down, or did not answer), then this group is read again.")}</p>
            })}
            {results_table(run.change(), run.results(), run.current())}
            <div class="actions">
                {running.then(|| view! {
                    <button type="button" disabled=stopping on:click=move |_| cross.stop()>
                        {if stopping { "Stopping after this group…" } else { "Stop" }}
                    </button>
                })}
                {retryable.then(|| view! {
                    <button type="button" class="primary" on:click=move |_| cross.retry_failed(app)>"Retry failed"</button>
                })}
                {(!running).then(|| view! {
                    <button type="button" on:click=move |_| cross.close()>"Close"</button>
                })}
            </div>
        </section>
    }
}

fn results_table(
    change: &CrossChange,
    results: &[GroupResult],
    current: Option<usize>,
) -> impl IntoView {
    let rows = change
        .groups
        .iter()
        .zip(results)
        .enumerate()
        .map(|(i, (d, r))| {
            let href = Route::Group(d.group_id.clone()).to_hash();
            let (result, members) = match r {
                _ if current == Some(i) => ("In progress…".to_string(), String::new()),
                GroupResult::Saved { members } | GroupResult::AlreadyDone { members } => {
                    (r.label(), members.to_string())
                }
                _ => (r.label(), String::new()),
            };
            let failed = matches!(r, GroupResult::Failed { .. });
            view! {
                <tr>
                    <td><a href=href><bdi>{d.group_name.clone()}</bdi></a></td>
                    <td class=if failed { "failed" } else { "" }>{result}</td>
                    <td class="count">{members}</td>
                </tr>
            }
        });
    view! {
        <div class="person-groups-wrap">
            <table class="cross-table">
                <caption>"Result per group"</caption>
                <thead>
                    <tr>
                        <th scope="col">"Group"</th>
                        <th scope="col">"Result"</th>
                        <th scope="col" class="count">"Members"</th>
                    </tr>
                </thead>
                <tbody>{rows.collect_view()}</tbody>
            </table>
        </div>
    }
}

fn interrupted_view(cross: CrossChanges, stored: StoredRun) -> impl IntoView {
    let app = use_app_state();
    let left = stored.left();
    let all = stored.change.groups.len();
    view! {
        <section class="card cross-interrupted" aria-labelledby="cross-interrupted-heading">
            <h3 id="cross-interrupted-heading">"A change was interrupted"</h3>
            <p>
                <bdi>{stored.change.title()}</bdi>
                {format!(": {} of {all} not done when the page was closed or reloaded. Resume reads each of them again before writing, so nothing is applied twice.", plural(left, "group", "groups"))}
            </p>
            <div class="actions">
                <button type="button" class="primary" on:click=move |_| cross.resume(app)>"Resume"</button>
                <button type="button" on:click=move |_| cross.discard_interrupted()>"Discard the rest"</button>
            </div>
        </section>
    }
}
