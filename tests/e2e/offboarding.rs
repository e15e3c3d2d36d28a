//! Changes across groups for a person (issue 13), against a sandbox seeded with people in many
//! groups (`--many-groups`) and limiting requests as Omni does (`--rate-limit 60`):
//! - "Remove from all groups": the review (every group, the cost, the typed user name), the run
//!   with its progress and result per group, a concurrent change by someone else kept, a group
//!   already without the person "Already done" and not written, every write in Activity, no 429.
//! - "Copy groups from" and "Add to groups": the person in exactly the chosen groups; a write
//!   applied whose answer was lost is "Failed", and Retry failed finds it done (no second write).
//! - The review takes the focus, Escape goes back to the person.
//! - With If-Match and PATCH (rfc7644 mode): one request a group; a 412 reads and writes again.
//! - A 429 (with Retry-After) waited out and the group read again; a write answered after the
//!   request timeout found done by Retry failed, not written twice; Forget key in the middle
//!   sends nothing more, and Resume after Connect finishes the change.
//! - "Stop", a failed write (503, and a write whose answer was lost), "Retry failed", and a
//!   reload in the middle resumed: nobody but the person leaves any group, nobody is doubled.
//!
//! Screenshots (target/screenshots/), axe-checked light and dark at 1280 and 360 px:
//! offboarding-review-axe-*, offboarding-results-axe-*, onboarding-add-axe-*; and
//! offboarding-review, offboarding-results, onboarding-add, offboarding-faults-interrupted.

use anyhow::{ensure, Context, Result};
use e2e_harness::api::{requests_text, Group, User};
use e2e_harness::{run_with, Options, Panel};
use serde_json::json;
use std::collections::BTreeSet;

/// The panel's own key: the test's reads through the API (with the sandbox's key) do not
/// count against the panel's 60 a minute.
const PANEL_KEY: &str = "e2e-panel-own-key-0123456789abcdef";

/// `--many-groups N` with Omni's rate limit, and the panel's own key.
fn limited(many_groups: usize) -> Options {
    let n = many_groups.to_string();
    let args = [
        "--many-groups",
        &n,
        "--rate-limit",
        "60",
        "--also-key",
        PANEL_KEY,
    ];
    Options::default().args(&args)
}

/// The IDs of the groups `user` is in.
fn group_ids_of(groups: &[Group], user: &str) -> BTreeSet<String> {
    groups_of(groups, user).into_iter().map(|g| g.id).collect()
}

async fn person(p: &Panel, name: &str) -> Result<User> {
    p.api
        .all_users()
        .await?
        .into_iter()
        .find(|u| u.display_name.as_deref() == Some(name))
        .with_context(|| format!("no user {name}"))
}

fn groups_of(groups: &[Group], user: &str) -> Vec<Group> {
    groups
        .iter()
        .filter(|g| g.members.iter().any(|m| m.value == user))
        .cloned()
        .collect()
}

fn ids(g: &Group) -> BTreeSet<String> {
    g.members.iter().map(|m| m.value.clone()).collect()
}

/// Someone else's write: group `g` with exactly `members`.
async fn put_members(p: &Panel, g: &Group, members: &BTreeSet<String>) -> Result<()> {
    // Omni wants each member's display: the user name.
    let names: std::collections::BTreeMap<String, String> = p
        .api
        .all_users()
        .await?
        .into_iter()
        .map(|u| (u.id, u.user_name))
        .collect();
    let body = json!({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": g.display_name,
        "members": members
            .iter()
            .map(|m| json!({ "value": m, "display": names.get(m).cloned().unwrap_or_default() }))
            .collect::<Vec<_>>(),
    });
    let (status, text) = p
        .api
        .send("PUT", &format!("/groups/{}", g.id), Some(body))
        .await?;
    ensure!(status == 200, "PUT {} answered {status}: {text}", g.id);
    Ok(())
}

/// Opens `name`'s page from People (find, choose) and waits for their groups.
async fn open_person(p: &Panel, who: &User) -> Result<()> {
    let name = who.display_name.clone().unwrap_or_default();
    let name = name.as_str();
    p.click_link("People").await?;
    p.fill("Find person", name).await?;
    p.click_option(&format!("{name} {}", who.user_name)).await?;
    p.heading(name).await?;
    p.table(&format!("Groups of {name}")).await?;
    Ok(())
}

/// Waits for the keyboard focus to be on the element with `id`.
async fn focus_on(p: &Panel, id: &str) -> Result<()> {
    e2e_harness::eventually(&format!("the focus on #{id}"), || async {
        let focused = p
            .js("return document.activeElement?.id ?? '';")
            .await
            .map_err(|e| e.to_string())?;
        if focused == id {
            Ok(())
        } else {
            Err(format!("the focus is on {focused:?}"))
        }
    })
    .await
}

/// A run whose one failure (`why`, in the results) was a write that went through: with the
/// fault gone, "Retry failed" finds group `id` "Already done" and writes it no second time.
async fn retry_finds_it_done(p: &Panel, why: &str, id: &str) -> Result<()> {
    let said = applied(p).await?;
    ensure!(said.contains("failed 1"), "the run said {said:?}");
    p.wait_text(why).await?;
    p.control.clear_faults().await?;
    p.control.clear_requests().await?;
    p.click("Retry failed").await?;
    let said = applied(p).await?;
    ensure!(
        said.contains("already done 1") && !said.contains("failed"),
        "the retry said {said:?}"
    );
    let log = p.control.requests().await?;
    ensure!(
        !log.iter()
            .any(|r| r.method != "GET" && r.path.ends_with(id)),
        "the group whose write went through was written again: {}",
        requests_text(&log)
    );
    Ok(())
}

/// The run's end: "Changes applied. …" in the status.
async fn applied(p: &Panel) -> Result<String> {
    p.status_where("the change applied", |s| s.starts_with("Changes applied."))
        .await
}

fn no_429(log: &[e2e_harness::api::LoggedRequest]) -> Result<()> {
    ensure!(
        log.iter().all(|r| r.status != 429),
        "a 429 came back: {}",
        requests_text(log)
    );
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remove_from_all_groups_keeps_concurrent_changes_and_skips_what_is_done() -> Result<()> {
    let options = limited(12);
    run_with("offboarding", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect_with(PANEL_KEY).await?;
        let jane = person(&p, "Jane Offboard").await?;
        let before = p.api.all_groups().await?;
        let all_hers = groups_of(&before, &jane.id);
        ensure!(all_hers.len() == 12, "Jane is in {} groups", all_hers.len());
        // Her smaller groups (not Everyone) for the changes made by someone else.
        let hers: Vec<Group> = all_hers
            .iter()
            .filter(|g| g.members.len() < 100)
            .cloned()
            .collect();
        ensure!(hers.len() >= 3, "Jane has {} small groups", hers.len());
        open_person(&p, &jane).await?;

        // After the panel read the groups: someone adds a member to one of her groups and
        // removes a member from another, and someone takes her out of a third.
        let outsider = p
            .api
            .all_users()
            .await?
            .into_iter()
            .find(|u| hers[0].members.iter().all(|m| m.value != u.id))
            .context("nobody outside the first group")?;
        let mut added = ids(&hers[0]);
        added.insert(outsider.id.clone());
        put_members(&p, &hers[0], &added).await?;
        let mut shrunk = ids(&hers[1]);
        let gone = shrunk
            .iter()
            .find(|m| **m != jane.id)
            .cloned()
            .context("the second group has only Jane")?;
        shrunk.remove(&gone);
        put_members(&p, &hers[1], &shrunk).await?;
        let mut without = ids(&hers[2]);
        without.remove(&jane.id);
        put_members(&p, &hers[2], &without).await?;

        // The review takes the focus; Escape goes back to the person, nothing sent.
        p.click("Remove from all groups").await?;
        p.heading("Review changes").await?;
        focus_on(&p, "cross-review-heading").await?;
        p.press(fantoccini::key::Key::Escape).await?;
        focus_on(&p, "person-heading").await?;
        ensure!(
            !p.has_region("Review changes").await?,
            "Escape left the review open"
        );

        // The review: every group, the cost, and the user name to type.
        p.click("Remove from all groups").await?;
        p.heading("Review changes").await?;
        super::people::photograph(&p, "review-axe", "cross-review-heading").await?;
        p.wait_text("Remove Jane Offboard from all 12 groups")
            .await?;
        p.wait_text("12 groups, at most 24 requests").await?;
        let rows = p.rows("Groups this change writes").await?;
        ensure!(rows.len() == 12, "the review lists {rows:?}");
        ensure!(
            !p.is_enabled("Confirm changes").await?,
            "Confirm changes is enabled before the name is typed"
        );
        p.fill("Type the user name to confirm", "jane").await?;
        ensure!(
            !p.is_enabled("Confirm changes").await?,
            "a part of the name confirms"
        );
        p.fill(
            "Type the user name to confirm",
            &jane.user_name.to_uppercase(),
        )
        .await?;
        p.wait_enabled("Confirm changes", true).await?;
        p.screenshot("review").await?;
        p.control.clear_requests().await?;
        p.click("Confirm changes").await?;
        // Confirm changes went with the review: the focus is on the run it started.
        focus_on(&p, "cross-run-heading").await?;
        let said = applied(&p).await?;
        ensure!(
            said.contains("Saved 11") && said.contains("already done 1"),
            "the run said {said:?}"
        );
        p.screenshot("results").await?;
        super::people::photograph(&p, "results-axe", "cross-run-heading").await?;
        let results = p.rows("Result per group").await?;
        ensure!(
            results
                .iter()
                .filter(|r| r.contains("Already done"))
                .count()
                == 1,
            "results {results:?}"
        );

        // The server: Jane in no group; the concurrent changes kept; nobody else lost.
        let after = p.api.all_groups().await?;
        ensure!(
            groups_of(&after, &jane.id).is_empty(),
            "Jane is still in a group"
        );
        for g in &before {
            let now = after
                .iter()
                .find(|a| a.id == g.id)
                .context("a group vanished")?;
            let mut want = ids(g);
            want.remove(&jane.id);
            if g.id == hers[0].id {
                want.insert(outsider.id.clone());
            }
            if g.id == hers[1].id {
                want.remove(&gone);
            }
            ensure!(
                ids(now) == want,
                "{} holds {:?}, want {want:?}",
                g.display_name,
                ids(now)
            );
        }
        // Two requests per changed group, one for the group already done, no 429.
        let log = p.control.requests().await?;
        no_429(&log)?;
        let writes = log
            .iter()
            .filter(|r| r.method == "PUT" || r.method == "PATCH")
            .count();
        ensure!(writes == 11, "{writes} writes: {}", requests_text(&log));
        ensure!(
            !log.iter()
                .any(|r| r.method == "PUT" && r.path.ends_with(&hers[2].id)),
            "the group already without Jane was written"
        );
        // The panel's requests (the test's own list reads aside): a read and a write per
        // group, the read alone where the change was already made.
        let panel = log.iter().filter(|r| r.path.contains("/groups/")).count();
        ensure!(panel == 23, "{panel} requests: {}", requests_text(&log));
        p.wait_text("Not in any group.").await?;

        // Activity: each write.
        p.click_link("Activity").await?;
        let activity = p.visible_text().await?;
        ensure!(
            activity.matches("Saved").count() >= 11,
            "Activity: {activity}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_groups_from_and_add_to_groups() -> Result<()> {
    let options = limited(6);
    run_with("onboarding", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect_with(PANEL_KEY).await?;
        let olu = person(&p, "Olu Newcomer").await?;
        let ravi = person(&p, "Ravi Shankar").await?;
        let before = p.api.all_groups().await?;
        let ravis: BTreeSet<String> = group_ids_of(&before, &ravi.id);
        open_person(&p, &olu).await?;

        // One write is applied but its answer is lost (the connection closes): that group is
        // "Failed", and Retry failed finds it done without writing it again.
        let lost = ravis
            .iter()
            .find(|id| {
                before
                    .iter()
                    .any(|g| g.id == **id && g.members.iter().all(|m| m.value != olu.id))
            })
            .context("no group of Ravi's without Olu")?
            .clone();
        p.control
            .set_faults(json!({
                "after_write": true,
                "close_connection": true,
                "fail_method": "PUT",
                "fail_path": lost,
            }))
            .await?;
        p.click("Copy groups from").await?;
        p.fill("Person to copy groups from", "ravi").await?;
        p.click_option(&format!("Ravi Shankar {}", ravi.user_name))
            .await?;
        p.heading("Review changes").await?;
        p.wait_text("Copy Ravi Shankar's groups to Olu Newcomer")
            .await?;
        p.control.clear_requests().await?;
        p.click("Confirm changes").await?;
        retry_finds_it_done(&p, "may not have been saved", &lost).await?;
        let after = p.api.all_groups().await?;
        let olus: BTreeSet<String> = group_ids_of(&after, &olu.id);
        ensure!(olus == ravis, "Olu is in {olus:?}, Ravi in {ravis:?}");
        no_429(&p.control.requests().await?)?;
        p.click("Close").await?;

        // Add to groups: a filter, two ticks, the review, the change.
        let others: Vec<Group> = after
            .iter()
            .filter(|g| !olus.contains(&g.id))
            .cloned()
            .collect();
        ensure!(others.len() >= 2, "Olu is in every group");
        p.click("Add to groups").await?;
        p.fill("Filter groups", &others[0].display_name.to_uppercase())
            .await?;
        let label = |g: &Group| format!("{} ({} members)", g.display_name, g.members.len());
        p.set_checkbox(&label(&others[0]), true).await?;
        p.fill("Filter groups", "").await?;
        p.set_checkbox(&label(&others[1]), true).await?;
        p.wait_text("2 chosen.").await?;
        p.screenshot("add").await?;
        super::people::photograph(&p, "add-axe", "add-to-filter").await?;
        p.click("Review changes").await?;
        p.wait_text("Add Olu Newcomer to 2 groups").await?;
        p.click("Confirm changes").await?;
        applied(&p).await?;
        let now = p.api.all_groups().await?;
        let olus_now: BTreeSet<String> = group_ids_of(&now, &olu.id);
        let mut want = olus.clone();
        want.insert(others[0].id.clone());
        want.insert(others[1].id.clone());
        ensure!(olus_now == want, "Olu is in {olus_now:?}, want {want:?}");

        // A row's Remove: one group, no name to type.
        let one = &others[0];
        p.click(&format!("Remove from {}", one.display_name))
            .await?;
        p.wait_text("Remove Olu Newcomer from 1 group").await?;
        p.click("Confirm changes").await?;
        applied(&p).await?;
        let g = p.api.group(&one.id).await?;
        ensure!(
            g.members.iter().all(|m| m.value != olu.id),
            "Olu is still in {}",
            one.display_name
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_failures_retry_and_a_reload_lose_nobody() -> Result<()> {
    let options = limited(12);
    run_with("offboarding-faults", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect_with(PANEL_KEY).await?;
        let jane = person(&p, "Jane Offboard").await?;
        let ravi = person(&p, "Ravi Shankar").await?;
        let before = p.api.all_groups().await?;
        let hers = groups_of(&before, &jane.id);
        // Everyone else's memberships, which nothing below may change.
        let others = |groups: &[Group], gone: &[&str]| -> Vec<(String, BTreeSet<String>)> {
            groups
                .iter()
                .map(|g| {
                    let mut m = ids(g);
                    m.retain(|v| !gone.contains(&v.as_str()));
                    (g.id.clone(), m)
                })
                .collect()
        };

        // A write answered 503 for one group, and one applied whose answer is lost.
        p.control
            .set_faults(json!({
                "latency_ms": 300,
                "fail_status": 503,
                "fail_method": "PUT",
                "fail_path": hers[3].id,
            }))
            .await?;
        open_person(&p, &jane).await?;
        p.click("Remove from all groups").await?;
        p.fill("Type the user name to confirm", &jane.user_name)
            .await?;
        p.click("Confirm changes").await?;
        // Stop after a few groups: the group in flight finishes, the rest are not written.
        p.status_where("5 groups done", |s| {
            e2e_harness::number_after(s, "Applying changes:").is_some_and(|n| n >= 5)
        })
        .await?;
        p.click("Stop").await?;
        let said = applied(&p).await?;
        // Stop went with the run's end; its focus went to the run's heading, not the page.
        focus_on(&p, "cross-run-heading").await?;
        ensure!(
            said.contains("failed 1") && said.contains("stopped"),
            "the run said {said:?}"
        );
        let rows = p.rows("Result per group").await?;
        ensure!(
            rows.iter()
                .any(|r| r.contains("Failed") && r.contains("503")),
            "results {rows:?}"
        );
        let mid = p.api.all_groups().await?;
        ensure!(
            others(&mid, &[&jane.id]) == others(&before, &[&jane.id]),
            "someone else's membership changed"
        );
        let still = groups_of(&mid, &jane.id).len();
        ensure!(
            still > 1 && still < 12,
            "Jane is still in {still} groups after Stop"
        );

        // Retry failed, the fault gone: every group done, nobody else touched.
        p.control.clear_faults().await?;
        p.click("Retry failed").await?;
        let said = applied(&p).await?;
        ensure!(
            !said.contains("failed") && !said.contains("stopped"),
            "the retry said {said:?}"
        );
        let after = p.api.all_groups().await?;
        ensure!(
            groups_of(&after, &jane.id).is_empty(),
            "Jane is still in a group"
        );
        ensure!(
            others(&after, &[&jane.id]) == others(&before, &[&jane.id]),
            "someone else's membership changed"
        );
        p.click("Close").await?;

        // Ravi, slowly; a reload in the middle; Resume finishes it.
        p.control.set_faults(json!({ "latency_ms": 400 })).await?;
        open_person(&p, &ravi).await?;
        p.click("Remove from all groups").await?;
        p.fill("Type the user name to confirm", &ravi.user_name)
            .await?;
        p.click("Confirm changes").await?;
        p.status_where("3 groups done", |s| {
            e2e_harness::number_after(s, "Applying changes:").is_some_and(|n| n >= 3)
        })
        .await?;
        // Leaving the page in the middle asks first.
        let asks = p
            .js("const e = new Event('beforeunload', {cancelable: true}); window.dispatchEvent(e); return e.defaultPrevented;")
            .await?;
        ensure!(asks == json!(true), "leaving in the middle of a change does not ask");
        p.reload().await?;
        p.click_link("People").await?;
        p.heading("A change was interrupted").await?;
        p.screenshot("interrupted").await?;
        let stored = p.session_storage().await?;
        let run = stored
            .iter()
            .find(|(k, _)| k.contains("cross-run"))
            .context("no run kept in session storage")?;
        ensure!(!run.1.contains(PANEL_KEY), "the stored run holds the key");
        p.control.clear_faults().await?;
        p.click("Resume").await?;
        applied(&p).await?;
        let end = p.api.all_groups().await?;
        ensure!(
            groups_of(&end, &ravi.id).is_empty(),
            "Ravi is still in a group"
        );
        ensure!(
            others(&end, &[&jane.id, &ravi.id]) == others(&before, &[&jane.id, &ravi.id]),
            "someone else's membership changed"
        );
        // Doubled members: none.
        for g in &end {
            ensure!(
                ids(g).len() == g.members.len(),
                "{} has a member twice",
                g.display_name
            );
        }
        Ok(())
    })
    .await
}

/// On a server with ETags and PATCH (rfc7644 mode), each group costs one request: a PATCH of
/// the person alone with `If-Match` from the index. A group someone changed since is refused
/// (412), read, and written again: their change stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_if_match_each_group_costs_one_request() -> Result<()> {
    let options = Options::default().args(&["--mode", "rfc7644", "--many-groups", "6"]);
    run_with("offboarding-etags", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        let ravi = person(&p, "Ravi Shankar").await?;
        let before = p.api.all_groups().await?;
        let his: Vec<Group> = groups_of(&before, &ravi.id)
            .into_iter()
            .filter(|g| g.members.len() < 100)
            .collect();
        ensure!(his.len() >= 6, "Ravi has {} small groups", his.len());
        let all_his = groups_of(&before, &ravi.id).len();
        open_person(&p, &ravi).await?;
        // Someone adds a member to one of his groups after the panel read them.
        let outsider = p
            .api
            .all_users()
            .await?
            .into_iter()
            .find(|u| his[0].members.iter().all(|m| m.value != u.id))
            .context("nobody outside the group")?;
        let mut added = ids(&his[0]);
        added.insert(outsider.id.clone());
        put_members(&p, &his[0], &added).await?;

        p.click("Remove from all groups").await?;
        let cost = format!("{all_his} groups, at most {all_his} requests");
        p.wait_text(&cost).await?;
        p.fill("Type the user name to confirm", &ravi.user_name)
            .await?;
        p.control.clear_requests().await?;
        p.click("Confirm changes").await?;
        let said = applied(&p).await?;
        ensure!(!said.contains("failed"), "the run said {said:?}");
        let log = p.control.requests().await?;
        let panel: Vec<_> = log.iter().filter(|r| r.path.contains("/groups/")).collect();
        // A write per group, one refused (412) and written again after its read.
        let writes: Vec<_> = panel.iter().filter(|r| r.method != "GET").collect();
        let refused = writes.iter().filter(|r| r.status == 412).count();
        let reads = panel.len() - writes.len();
        ensure!(
            writes.len() == all_his + 1 && refused == 1 && reads == 1,
            "{} writes, {refused} refused, {reads} reads: {}",
            writes.len(),
            requests_text(&log)
        );
        ensure!(
            writes.iter().all(|r| r.if_match.is_some()),
            "a write without If-Match: {}",
            requests_text(&log)
        );
        let after = p.api.all_groups().await?;
        ensure!(
            groups_of(&after, &ravi.id).is_empty(),
            "Ravi is still in a group"
        );
        let g = after
            .iter()
            .find(|g| g.id == his[0].id)
            .context("a group vanished")?;
        ensure!(
            g.members.iter().any(|m| m.value == outsider.id),
            "the member someone else added was lost"
        );
        // The person's page says so from the index, without reading the groups again.
        p.wait_text("Not in any group.").await?;
        Ok(())
    })
    .await
}

/// A 429 in the middle of a change is waited out and the group read again; a write applied
/// whose answer came too late (the panel's request timeout) is "Failed", and Retry failed finds
/// it done without writing it twice. Nobody else's membership changes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_and_a_timeout_lose_nobody() -> Result<()> {
    let options = Options::default()
        .args(&["--many-groups", "6"])
        .config("request-timeout-seconds=2");
    run_with("offboarding-429", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        let ravi = person(&p, "Ravi Shankar").await?;
        let jane = person(&p, "Jane Offboard").await?;
        let before = p.api.all_groups().await?;
        let unchanged = |groups: &[Group]| -> Vec<BTreeSet<String>> {
            groups
                .iter()
                .map(|g| {
                    let mut m = ids(g);
                    m.remove(&ravi.id);
                    m.remove(&jane.id);
                    m
                })
                .collect()
        };
        let his = groups_of(&before, &ravi.id);

        // 429 with Retry-After on one group's write, until the wait is shown.
        p.control
            .set_faults(json!({
                "fail_status": 429,
                "retry_after": "2",
                "fail_method": "PUT",
                "fail_path": his[1].id,
            }))
            .await?;
        open_person(&p, &ravi).await?;
        p.click("Remove from all groups").await?;
        p.fill("Type the user name to confirm", &ravi.user_name)
            .await?;
        p.click("Confirm changes").await?;
        p.wait_text("the server asked to slow down").await?;
        p.screenshot("waiting").await?;
        p.control.clear_faults().await?;
        let said = applied(&p).await?;
        ensure!(!said.contains("failed"), "the run said {said:?}");
        let mid = p.api.all_groups().await?;
        ensure!(
            groups_of(&mid, &ravi.id).is_empty(),
            "Ravi is still in a group"
        );
        ensure!(
            unchanged(&mid) == unchanged(&before),
            "someone else's membership changed"
        );
        p.click("Close").await?;

        // A write applied but answered after the panel's 2 s timeout.
        let hers = groups_of(&mid, &jane.id);
        let slow = hers
            .iter()
            .find(|g| g.members.len() < 100)
            .context("Jane has no small group")?
            .id
            .clone();
        p.control
            .set_faults(json!({
                "latency_ms": 3000,
                "after_write": true,
                "fail_method": "PUT",
                "fail_path": slow,
            }))
            .await?;
        open_person(&p, &jane).await?;
        p.click("Remove from all groups").await?;
        p.fill("Type the user name to confirm", &jane.user_name)
            .await?;
        p.click("Confirm changes").await?;
        retry_finds_it_done(&p, "did not answer within 2 seconds", &slow).await?;
        let end = p.api.all_groups().await?;
        ensure!(
            groups_of(&end, &jane.id).is_empty(),
            "Jane is still in a group"
        );
        ensure!(
            unchanged(&end) == unchanged(&before),
            "someone else's membership changed"
        );
        p.click("Close").await?;

        // Forget key in the middle: nothing more is sent; after Connect, Resume finishes it.
        p.control.set_faults(json!({ "latency_ms": 600 })).await?;
        let three: Vec<Group> = end
            .iter()
            .filter(|g| g.display_name.starts_with("Project"))
            .take(3)
            .cloned()
            .collect();
        p.click("Add to groups").await?;
        for g in &three {
            let label = format!("{} ({} members)", g.display_name, g.members.len());
            p.set_checkbox(&label, true).await?;
        }
        p.click("Review changes").await?;
        p.wait_text("Add Jane Offboard to 3 groups").await?;
        p.click("Confirm changes").await?;
        p.status_where("1 group done", |s| {
            e2e_harness::number_after(s, "Applying changes:").is_some_and(|n| n >= 1)
        })
        .await?;
        p.click("Forget key").await?;
        p.control.clear_faults().await?;
        p.control.clear_requests().await?;
        tokio::time::sleep(std::time::Duration::from_secs(2)).await;
        let log = p.control.requests().await?;
        ensure!(
            log.is_empty(),
            "sent after Forget key: {}",
            requests_text(&log)
        );
        p.connect().await?;
        p.click_link("People").await?;
        p.heading("A change was interrupted").await?;
        p.click("Resume").await?;
        applied(&p).await?;
        let now = p.api.all_groups().await?;
        let want: BTreeSet<String> = three.iter().map(|g| g.id.clone()).collect();
        let janes = group_ids_of(&now, &jane.id);
        ensure!(janes == want, "Jane is in {janes:?}, want {want:?}");
        ensure!(
            unchanged(&now) == unchanged(&before),
            "someone else's membership changed"
        );
        Ok(())
    })
    .await
}
