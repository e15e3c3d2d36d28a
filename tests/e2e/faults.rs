//! End-to-end fault matrix: the built panel in headless Chromium against the sandbox's fault
//! injection. For each fault: an edit is made first, the failing request is sent, the panel
//! says what went wrong (role=alert or status), the edit is still there, and one click retries
//! successfully once the fault is gone. Also: reads retried by themselves after 429 with a
//! visible countdown (and "Cancel waiting"), saves never retried behind the admin's back, one
//! PUT for a double click, the request budget, and network failures told apart (CORS, the
//! page's security policy, unreachable, offline). And the save the server applied whose answer
//! was then lost (the sandbox's `after_write`), with and without ETags: Retry save finds it done.
use anyhow::{ensure, Context, Result};
use e2e_harness::cdp::cdp;
use e2e_harness::procs::{random_key, Sandbox};
use e2e_harness::{is_connected, members_text, requests_text, run_with, Options, Panel};
use fantoccini::Locator;
use serde_json::{json, Value};

use crate::membership::{add_by_id, outsider, remove, CONFLICT};

/// Short enough that the slow answers below stay quick to test.
const TIMEOUT_CONFIG: &str = "request-timeout-seconds=3; requests-per-minute=1000";

/// A fault to inject, and words of the message the panel must show for it.
struct Fault {
    name: &'static str,
    config: Value,
    says: &'static str,
}

fn fault(name: &'static str, config: Value, says: &'static str) -> Fault {
    Fault { name, config, says }
}

/// `base` with the fields of `extra` added: one fault aimed at some requests.
fn merged(mut base: Value, extra: Value) -> Value {
    if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
        b.extend(e.clone());
    }
    base
}

/// How many requests with `method` the sandbox logged whose path contains `path`.
async fn count(p: &Panel, method: &str, path: &str) -> Result<usize> {
    Ok(p.control
        .requests()
        .await?
        .iter()
        .filter(|r| r.method == method && r.path.contains(path))
        .count())
}

/// Loads the group named `name` through "Group ID" and "Load group"; returns its id.
async fn open(p: &Panel, name: &str) -> Result<String> {
    let id = p.api.group_id_by_name(name).await?;
    let group: e2e_harness::Group = p.api.group(&id).await?;
    p.open_group(&id, name, group.members.len()).await?;
    Ok(id)
}

/// Renames the open group to `new_name`, opens the review and confirms it under `f`: checks
/// the message, that the edit is still there, then clears the fault and retries with one click.
async fn save_through(p: &Panel, id: &str, new_name: &str, f: &Fault) -> Result<()> {
    p.fill("Display name", new_name).await?;
    p.click("Save").await?;
    p.control.set_faults(f.config.clone()).await?;
    p.click("Confirm save").await?;
    let alert = p
        .alert_containing(f.says)
        .await
        .with_context(|| format!("saving under {}", f.name))?;
    // Sent but unanswered (or answered unreadably), a save may have been applied: the message
    // says so, and the retry checks first.
    let told = [
        "The group was not saved",
        "The group may not have been saved",
        "The save may have gone through",
    ];
    ensure!(
        told.iter().any(|t| alert.starts_with(t)),
        "{}: the alert does not say what became of the save: {alert:?}",
        f.name
    );
    p.screenshot_showing(&format!("save-{}", f.name), f.says)
        .await?;
    // The review is still open and still holds the rename: nothing typed was lost.
    let text = p.visible_text().await?;
    ensure!(
        text.contains(&format!("→ “{new_name}”")),
        "{}: the review lost the rename to {new_name:?}:\n{text}",
        f.name
    );
    p.control.clear_faults().await?;
    p.click("Retry save").await?;
    let saved = format!("Saved “{new_name}”");
    p.status_where(&saved, |s| s.contains(&saved)).await?;
    let on_server = p.api.group(id).await?.display_name;
    ensure!(
        on_server == new_name,
        "{}: after the retry the server has {on_server:?}, not {new_name:?}",
        f.name
    );
    Ok(())
}

/// The faults a save (PUT) can meet, nothing written: `(name, fault, words of the message)`.
fn put_faults() -> Vec<Fault> {
    let put = |extra: Value| merged(json!({ "fail_method": "PUT" }), extra);
    vec![
        fault(
            "500",
            put(json!({ "fail_status": 500 })),
            "the server had a problem (500)",
        ),
        fault(
            "503",
            put(json!({ "fail_status": 503 })),
            "the server had a problem (503)",
        ),
        fault(
            "html-502",
            put(json!({ "fail_status": 502, "body": "html" })),
            "the server had a problem (502)",
        ),
        fault(
            "closed",
            put(json!({ "close_connection": true })),
            "did not answer: the connection failed or was closed",
        ),
        fault(
            "truncated",
            put(json!({ "body": "truncated" })),
            "the group the server sent was cut off before its end",
        ),
        fault(
            "html-200",
            put(json!({ "body": "html" })),
            "web page (HTML) instead of a SCIM group",
        ),
        fault(
            "empty-200",
            put(json!({ "body": "empty" })),
            "empty answer where a group was expected",
        ),
        // An error object sent with 200: JSON, but not a group.
        fault(
            "wrong-shape",
            put(json!({ "fail_status": 200 })),
            "the group the server sent has no “id”",
        ),
        // A whole group, but not the one saved (a confused cache or proxy).
        fault(
            "other-group",
            put(json!({ "body": "other-group" })),
            "the server answered with group “Qx7RtB2k” although group",
        ),
        fault(
            "oversized",
            put(json!({ "body": "oversized" })),
            "the server's answer is too large to read",
        ),
        // Every answer takes 5 s, past the 3 s timeout: the check before the PUT gives up.
        fault(
            "slow",
            json!({ "latency_ms": 5_000 }),
            "did not answer within 3 seconds",
        ),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn save_faults_are_named_keep_the_edit_and_retry_with_one_click() -> Result<()> {
    let options = Options::default().config(TIMEOUT_CONFIG);
    run_with("faults-save", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let id = open(&p, "Sales").await?;

        // One save at a time: a double click on Confirm save sends one PUT.
        p.fill("Display name", "Sales (double click)").await?;
        p.click("Save").await?;
        p.control.set_faults(json!({ "latency_ms": 500 })).await?;
        p.control.clear_requests().await?;
        let confirm = p.button("Confirm save").await?;
        p.understand_rename().await?;
        p.client
            .execute(
                "arguments[0].click(); arguments[0].click();",
                vec![serde_json::to_value(&confirm)?],
            )
            .await?;
        p.status_where("saved", |s| s.contains("Saved “Sales (double click)”"))
            .await?;
        p.control.clear_faults().await?;
        let puts = count(&p, "PUT", &id).await?;
        ensure!(puts == 1, "a double click sent {puts} PUTs");

        let faults = put_faults();
        for (i, f) in faults.iter().enumerate() {
            save_through(&p, &id, &format!("Sales {i} {}", f.name), f).await?;
        }

        // 429 on a save: never sent again by itself; a countdown, then one click retries.
        for (retry_after, waits) in [(Some("2"), "asks to wait 2 seconds"), (None, "(429)")] {
            let name = format!("Sales 429 {}", retry_after.unwrap_or("none"));
            p.fill("Display name", &name).await?;
            p.click("Save").await?;
            let mut config = json!({ "fail_method": "PUT", "fail_status": 429 });
            if let Some(r) = retry_after {
                config["retry_after"] = json!(r);
            }
            p.control.set_faults(config).await?;
            p.control.clear_requests().await?;
            p.click("Confirm save").await?;
            p.alert_containing(waits).await?;
            p.status_where("the wait before Retry save", |s| {
                s.contains("Rate limited (429): nothing was sent again. Retry save is possible in")
            })
            .await?;
            ensure!(
                !p.is_enabled("Retry save").await?,
                "Retry save is enabled during the wait"
            );
            p.screenshot_showing(
                &format!("save-429-{}", retry_after.unwrap_or("none")),
                "Retry save is possible",
            )
            .await?;
            p.wait_enabled("Retry save", true).await?;
            let puts = count(&p, "PUT", &id).await?;
            ensure!(
                puts == 1,
                "the rate-limited save was sent {puts} times by itself"
            );
            p.control.clear_faults().await?;
            p.click("Retry save").await?;
            let saved = format!("Saved “{name}”");
            p.status_where(&saved, |s| s.contains(&saved)).await?;
            ensure!(p.api.group(&id).await?.display_name == name, "not saved");
        }
        Ok(())
    })
    .await
}

/// The same faults of a save where the answer can be lost, with `after_write`: the sandbox
/// applies the PUT first, then drops, cuts, garbles or delays (past the 3 s timeout) its answer.
fn lost_answers() -> Vec<Fault> {
    const LOST: [&str; 5] = ["closed", "truncated", "html-200", "empty-200", "slow"];
    let lost = put_faults()
        .into_iter()
        .filter(|f| LOST.contains(&f.name))
        .map(|f| Fault {
            config: merged(
                f.config,
                json!({ "after_write": true, "fail_method": "PUT" }),
            ),
            ..f
        })
        .collect::<Vec<_>>();
    assert_eq!(lost.len(), LOST.len(), "a save fault was renamed");
    lost
}

/// Saves a rename, one removal and one addition under `f`, which applies the PUT and breaks its
/// answer: the panel says the save may have gone through; "Retry save" then finds the change on
/// the server and ends "Saved" without writing again (Omni: one GET; with ETags: the PUT's
/// stale If-Match gets 412, then one GET) and without a conflict view; the server holds exactly
/// the intended group.
async fn lose_the_answer(p: &Panel, id: &str, f: &Fault, etag: bool) -> Result<()> {
    let before = p.api.group(id).await?;
    let users = p.api.all_users().await?;
    let gone = before
        .members
        .first()
        .context("the group has no member to remove")?;
    let newcomer = outsider(&users, &before, &[])?;
    let name = format!("Sales lost {}", f.name);
    p.fill("Display name", &name).await?;
    remove(p, gone.label(), &gone.value).await?;
    add_by_id(p, newcomer).await?;
    let mut want: Vec<String> = before
        .members
        .iter()
        .filter(|m| m.value != gone.value)
        .map(|m| m.value.clone())
        .chain([newcomer.id.clone()])
        .collect();
    want.sort();

    p.click("Save").await?;
    p.control.set_faults(f.config.clone()).await?;
    p.click("Confirm save").await?;
    let alert = p
        .alert_containing(f.says)
        .await
        .with_context(|| format!("saving under {} after the write", f.name))?;
    ensure!(
        alert.contains("Retry save checks the group first"),
        "{}: the alert does not say the save may have gone through: {alert:?}",
        f.name
    );
    // The fault let the write through: this is the lost answer, not a refused save.
    let applied = p.api.group(id).await?;
    ensure!(
        applied.display_name == name,
        "{}: the sandbox did not apply the save before breaking its answer ({:?})",
        f.name,
        applied.display_name
    );
    p.screenshot_showing(&format!("lost-{}", f.name), f.says)
        .await?;

    p.control.clear_faults().await?;
    p.control.clear_requests().await?;
    p.click("Retry save").await?;
    let saved = format!("Saved “{name}”");
    p.status_where(&saved, |s| s.contains(&saved)).await?;
    p.settle().await?;
    ensure!(
        !p.has_region(CONFLICT).await?,
        "{}: the panel took its own save for someone else's change",
        f.name
    );

    let log = p.control.requests().await?;
    let group_path = format!("/groups/{id}");
    let on_group = |method: &str| {
        log.iter()
            .filter(|r| r.method == method && r.path.ends_with(&group_path))
            .collect::<Vec<_>>()
    };
    let (gets, puts, patches) = (on_group("GET"), on_group("PUT"), on_group("PATCH"));
    let writes_ok = || {
        if etag {
            // One PUT with the If-Match of the version loaded, refused: the server moved on.
            puts.len() == 1 && puts[0].status == 412 && puts[0].if_match.is_some()
        } else {
            puts.is_empty()
        }
    };
    ensure!(
        writes_ok() && patches.is_empty() && gets.len() == 1 && gets[0].status == 200,
        "{}: the retry should {} and read the group once; the log: {}",
        f.name,
        if etag {
            "send one PUT answered 412"
        } else {
            "send no write"
        },
        requests_text(&log)
    );
    if etag {
        let put_at = log.iter().position(|r| r.method == "PUT");
        let get_at = log
            .iter()
            .position(|r| r.method == "GET" && r.path.ends_with(&group_path));
        ensure!(
            put_at < get_at,
            "{}: the check GET came before the 412: {}",
            f.name,
            requests_text(&log)
        );
    }

    let after = p.api.group(id).await?;
    let mut held: Vec<String> = after.members.iter().map(|m| m.value.clone()).collect();
    held.sort();
    ensure!(
        after.display_name == name && held == want,
        "{}: the server holds {:?} with {}, not the intended change",
        f.name,
        after.display_name,
        members_text(&after.members)
    );
    Ok(())
}

/// The answer to a save that went through is lost (dropped, cut, garbled, late) on a server
/// without ETags: the retry's check finds the change already there and says "Saved".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_whose_answer_was_lost_is_found_saved_on_retry() -> Result<()> {
    let options = Options::default().config(TIMEOUT_CONFIG);
    run_with("lost-answer-omni", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let id = open(&p, "Sales").await?;
        for f in &lost_answers() {
            lose_the_answer(&p, &id, f, false).await?;
        }
        Ok(())
    })
    .await
}

/// The same with ETags (RFC 7644 mode): the retry's If-Match is stale after its own write, the
/// 412 is followed by one GET, and the group holding the change means "Saved", not a conflict.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_whose_answer_was_lost_is_found_saved_on_retry_with_etags() -> Result<()> {
    let options = Options::default()
        .config(TIMEOUT_CONFIG)
        .args(&["--mode", "rfc7644"]);
    run_with("lost-answer-etag", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let id = open(&p, "Sales").await?;
        for f in &lost_answers() {
            lose_the_answer(&p, &id, f, true).await?;
        }
        Ok(())
    })
    .await
}

/// Lists users through "Refresh user list" under `f`: the message, the edit kept, then one
/// click retries once the fault is gone.
async fn list_users_through(p: &Panel, kept: &str, f: &Fault) -> Result<()> {
    p.control.set_faults(f.config.clone()).await?;
    p.click("Refresh user list").await?;
    let alert = p
        .alert_containing(f.says)
        .await
        .with_context(|| format!("listing users under {}", f.name))?;
    ensure!(
        alert.starts_with("Could not look up users"),
        "{}: {alert:?}",
        f.name
    );
    p.screenshot_showing(&format!("read-{}", f.name), f.says)
        .await?;
    let name = p.value("Display name").await?;
    ensure!(name == kept, "{}: the display name became {name:?}", f.name);
    p.control.clear_faults().await?;
    p.click("Refresh user list").await?;
    found_zoe(p).await
}

/// The search for "zoe" has its answer on screen.
async fn found_zoe(p: &Panel) -> Result<()> {
    p.status_where("matching users", |s| s.contains("matching user"))
        .await?;
    ensure!(
        p.alerts().await?.is_empty(),
        "alerts after a successful search: {:?}",
        p.alerts().await?
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_faults_are_named_and_rate_limited_reads_retry_by_themselves() -> Result<()> {
    let options = Options::default().config(TIMEOUT_CONFIG);
    run_with("faults-read", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let id = open(&p, "Sales").await?;
        let kept = "Sales (typed before the faults)";
        p.fill("Display name", kept).await?;
        p.fill("Find user", "zoe").await?;
        found_zoe(&p).await?;

        let users = |extra: Value| merged(json!({ "fail_path": "/users" }), extra);
        let faults = [
            fault(
                "500",
                users(json!({ "fail_status": 500 })),
                "the server had a problem (500)",
            ),
            fault(
                "html-502",
                users(json!({ "fail_status": 502, "body": "html" })),
                "the server had a problem (502)",
            ),
            fault(
                "closed",
                users(json!({ "close_connection": true })),
                "did not answer: the connection failed or was closed",
            ),
            fault(
                "truncated",
                users(json!({ "body": "truncated" })),
                "the list the server sent was cut off before its end",
            ),
            fault(
                "wrong-shape",
                users(json!({ "fail_status": 200 })),
                "has neither “totalResults” nor “Resources”",
            ),
            // Past the bound (60 s): not waited for; the admin is told when to try again.
            fault(
                "429-long",
                users(json!({ "fail_status": 429, "retry_after": "120" })),
                "the server asks to wait 2 minutes",
            ),
        ];
        for f in &faults {
            list_users_through(&p, kept, f).await?;
        }

        // 429 on a read: a countdown app-wide, then the read is sent again by itself.
        for retry_after in [Some("2"), None] {
            let mut config = users(json!({ "fail_status": 429 }));
            if let Some(r) = retry_after {
                config["retry_after"] = json!(r);
            }
            p.control.set_faults(config).await?;
            p.control.clear_requests().await?;
            p.click("Refresh user list").await?;
            p.status_where("the rate-limit countdown", |s| {
                s.starts_with("Rate limited by the server (429): trying again in")
            })
            .await?;
            p.screenshot_showing(
                &format!("read-429-{}", retry_after.unwrap_or("none")),
                "trying again in",
            )
            .await?;
            p.control.clear_faults().await?;
            found_zoe(&p).await?;
            let log = p.control.requests().await?;
            let statuses: Vec<u16> = log
                .iter()
                .filter(|r| r.path.contains("/users"))
                .map(|r| r.status)
                .collect();
            ensure!(
                statuses.first() == Some(&429) && statuses.contains(&200),
                "expected a 429 answered by a retry, got {statuses:?}"
            );
        }

        // "Cancel waiting" stops the wait; the read fails as cancelled and can be retried.
        p.control
            .set_faults(users(json!({ "fail_status": 429, "retry_after": "30" })))
            .await?;
        p.click("Refresh user list").await?;
        p.status_where("the countdown", |s| s.contains("trying again in"))
            .await?;
        p.click("Cancel waiting").await?;
        p.alert_containing("Could not look up users: cancelled before an answer came")
            .await?;
        p.control.clear_faults().await?;
        p.click("Refresh user list").await?;
        found_zoe(&p).await?;

        // A failed load keeps the edit; the retry loads, and the edit is offered back.
        // "Load group" is on the Groups screen; for the open group it reads it again.
        p.control
            .set_faults(json!({ "fail_status": 500, "fail_path": format!("/groups/{id}"), "fail_method": "GET" }))
            .await?;
        p.to_groups_screen().await?;
        p.fill("Group ID", &id).await?;
        p.click("Load group").await?;
        p.alert_containing("Could not load the group: the server had a problem (500)")
            .await?;
        ensure!(p.value("Display name").await? == kept, "the edit was lost");
        p.control.clear_faults().await?;
        p.to_groups_screen().await?;
        p.fill("Group ID", &id).await?;
        p.click("Load group").await?;
        p.status_where("loaded", |s| s.contains("Loaded “Sales”"))
            .await?;
        p.click("Restore changes").await?;
        ensure!(
            p.value("Display name").await? == kept,
            "the edit did not come back"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaving_a_screen_cancels_its_reads_quietly() -> Result<()> {
    run_with("leave", Options::default(), |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        open(&p, "Sales").await?;
        // Listing the directory takes 3 pages; each answer now takes 1.5 s.
        p.control.set_faults(json!({ "latency_ms": 1_500 })).await?;
        p.control.clear_requests().await?;
        p.fill("Find user", "z").await?;
        p.status_where("the listing under way", |s| s.contains("Listing users"))
            .await?;
        p.click_link("Activity").await?;
        // Long enough for the rest of the listing, had it gone on.
        tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        let pages = count(&p, "GET", "/users").await?;
        ensure!(
            pages == 1,
            "the listing went on after the screen was left: {pages} pages"
        );
        ensure!(
            p.alerts().await?.is_empty(),
            "leaving the screen raised alerts: {:?}",
            p.alerts().await?
        );

        // Back to Groups while listing groups fails: the message, then one click lists them.
        p.control
            .set_faults(json!({ "fail_status": 500, "fail_path": "/groups", "fail_method": "GET", "latency_ms": 0 }))
            .await?;
        p.click_link("Groups").await?;
        p.alert_containing("Could not list groups: the server had a problem (500)")
            .await?;
        p.control.clear_faults().await?;
        p.click("Load groups again").await?;
        p.rows_where("Groups", "list the groups", |rows| !rows.is_empty())
            .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typing_while_the_directory_is_listed_lists_it_once() -> Result<()> {
    run_with("typing", Options::default(), |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        open(&p, "Sales").await?;
        // Each of the listing's 3 pages now takes 0.7 s: every letter lands mid-listing.
        p.control.set_faults(json!({ "latency_ms": 700 })).await?;
        p.control.clear_requests().await?;
        p.fill("Find user", "zoe").await?;
        found_zoe(&p).await?;
        // The results answer the newest text ("zoe"), not a letter typed before it.
        let shown = p.client.find_all(Locator::Css("ul.results li")).await?;
        ensure!(!shown.is_empty(), "no matching users listed");
        for li in shown {
            let text = li.text().await?.to_lowercase();
            ensure!(text.contains("zo"), "a match for an older text: {text:?}");
        }
        let pages = count(&p, "GET", "/users").await?;
        ensure!(
            pages == 3,
            "typing 3 letters during a 3-page listing sent {pages} user pages"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_request_budget_waits_visibly_and_the_wait_can_be_cancelled() -> Result<()> {
    // Connect (2 requests) and the groups list (1) use the whole budget.
    let options = Options::default().config("requests-per-minute=3");
    run_with("budget", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        p.rows_where("Groups", "list groups", |rows| !rows.is_empty())
            .await?;
        p.control.clear_requests().await?;
        let id = p.api.group_id_by_name("Sales").await?;
        p.control.clear_requests().await?;
        p.fill("Group ID", &id).await?;
        p.click("Load group").await?;
        p.status_where("the budget wait", |s| {
            s.starts_with("Staying under 3 requests a minute: next request in")
        })
        .await?;
        p.screenshot_showing("waiting", "Staying under").await?;
        let sent = p.control.requests().await?.len();
        ensure!(sent == 0, "{sent} requests went out over the budget");
        p.click("Cancel waiting").await?;
        p.alert_containing("Could not load the group: cancelled before an answer came")
            .await?;
        let sent = p.control.requests().await?.len();
        ensure!(sent == 0, "{sent} requests went out after cancelling");
        Ok(())
    })
    .await
}

async fn set_offline(p: &Panel, offline: bool) -> Result<()> {
    cdp(&p.client, "Network.enable", json!({})).await?;
    cdp(
        &p.client,
        "Network.emulateNetworkConditions",
        json!({ "offline": offline, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1 }),
    )
    .await?;
    Ok(())
}

async fn connect_to(p: &Panel, base: &str) -> Result<()> {
    p.fill("SCIM base URL", base).await?;
    p.fill("API key", &p.key).await?;
    p.click("Connect").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cors_unreachable_and_offline_are_told_apart() -> Result<()> {
    // The page may connect to any loopback port, so the browser's CORS check is what stops it.
    let options = Options::default().connect_src("http://127.0.0.1:*");
    run_with("network", options, |mut panels| async move {
        let p = panels.remove(0);
        // A second server on another origin, which allows no other origin (no --cors-origin).
        let other = Sandbox::start_with(&random_key(), &[]).await?;
        connect_to(&p, &other.api_base()).await?;
        let alert = p
            .alert_containing("does not allow calls from this page's origin (CORS)")
            .await?;
        ensure!(alert.contains(&other.origin), "{alert:?}");
        ensure!(
            alert.contains("/api/scim/v2") && alert.contains("deployment guide"),
            "the CORS message does not explain the proxy: {alert:?}"
        );
        let guide = p.link("deployment guide").await?;
        let href = guide.attr("href").await?.unwrap_or_default();
        ensure!(href == "deploy.md", "the guide link goes to {href:?}");
        p.screenshot_showing("cors", "CORS").await?;

        // A loopback port nothing listens on: no answer at all.
        let free = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        connect_to(&p, &format!("http://127.0.0.1:{free}/api/scim/v2")).await?;
        p.alert_containing("the server could not be reached")
            .await?;

        set_offline(&p, true).await?;
        connect_to(&p, "/api/scim/v2").await?;
        p.alert_containing("this browser is offline").await?;
        p.screenshot_showing("offline", "offline").await?;
        set_offline(&p, false).await?;
        p.click("Connect").await?;
        p.status_where("Connected", is_connected).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_the_security_policy_forbids_is_named_as_such() -> Result<()> {
    run_with("csp-blocked", Options::default(), |mut panels| async move {
        let p = panels.remove(0);
        let other = Sandbox::start_with(&random_key(), &[]).await?;
        connect_to(&p, &other.api_base()).await?;
        let alert = p
            .alert_containing("security policy (Content-Security-Policy) does not allow connecting to")
            .await?;
        ensure!(alert.contains(&other.origin), "{alert:?}");
        ensure!(!alert.contains("CORS"), "{alert:?}");
        // The browser reported the blocked connection, as this test wants: only that one.
        let seen = p
            .js("const v = window.__e2eCspViolations || []; const all = v.map(x => x.directive + ' ' + x.blocked); v.length = 0; return all;")
            .await?;
        let seen: Vec<String> = seen
            .as_array()
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect())
            .unwrap_or_default();
        ensure!(
            !seen.is_empty() && seen.iter().all(|v| v.starts_with("connect-src") && v.contains(&other.origin)),
            "unexpected CSP violations: {seen:?}"
        );
        Ok(())
    })
    .await
}
