//! A change across groups being applied: "Applying changes" with "3 of 5 groups", the wait
//! after a 429, "Stop"; then a table with each group's result, "Retry failed" and "Close".
//! And after a reload in the middle: "Resume" or "Discard the rest".

use crate::browser::focus::focus_if_lost;
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
    let has_run = move || cross.run.with(Option::is_some);
    view! {
        {move || cross.interrupted.get().map(|s| interrupted_view(cross, s))}
        {move || cross.problem.get().map(|p| view! { <p class="notice error" role="alert">{p}</p> })}
        <div role="status" class="cross-status">
            {move || cross.run.with(|r| r.as_ref().map(status_text))}
        </div>
        <Show when=has_run>{move || run_view(cross)}</Show>
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

/// The run's section. Its controls stay in place while it runs (only their text and state
/// change), so the focus on Stop is not lost at each group.
fn run_view(cross: CrossChanges) -> impl IntoView {
    let app = use_app_state();
    let with_run = move |f: fn(&CrossRun) -> bool| cross.run.with(|r| r.as_ref().is_some_and(f));
    let running = move || with_run(CrossRun::is_running);
    let stopping = move || with_run(|r| r.is_running() && r.stop_requested());
    let retryable = move || with_run(CrossRun::can_retry);
    let progress = move || {
        cross
            .run
            .with(|r| r.as_ref().map_or((0, 0), CrossRun::progress))
    };
    let title = move || cross.run.with(|r| r.as_ref().map(|r| r.change().title()));
    // At the end Stop goes: the focus it had moves to the heading.
    Effect::new(move |was: Option<bool>| {
        let now = running();
        if was == Some(true) && !now {
            focus_if_lost("cross-run-heading");
        }
        now
    });
    view! {
        <section class="card cross-run" aria-labelledby="cross-run-heading">
            <h3 id="cross-run-heading" tabindex="-1"><bdi>{title}</bdi></h3>
            <label class="progress">
                {move || format!("{} of {} groups", progress().0, progress().1)}
                <progress aria-label="Applying changes" max=move || progress().1.max(1).to_string() value=move || progress().0.to_string()></progress>
            </label>
            {move || cross.waiting.get().map(|s| view! {
                <p class="warning-text">{format!("Waiting {s} s (the server asked to slow down, or did not answer), then this group is read again.")}</p>
            })}
            {move || cross.run.with(|r| r.as_ref().map(|r| results_table(r.change(), r.results(), r.current())))}
            <div class="actions">
                // Not disabled while stopping: a disabled button would drop the focus.
                <button type="button" hidden=move || !running() on:click=move |_| cross.stop()>
                    {move || if stopping() { "Stopping after this group…" } else { "Stop" }}
                </button>
                <button type="button" class="primary" hidden=move || !retryable() on:click=move |_| cross.retry_failed(app)>"Retry failed"</button>
                <button type="button" hidden=running on:click=move |_| cross.close()>"Close"</button>
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
