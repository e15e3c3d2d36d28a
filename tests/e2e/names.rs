//! Names are keys (issue 14): the review of a rename warns that it can change who sees which
//! data and holds "Confirm save" until "I understand that renaming can change who sees which
//! data" is ticked (a save that keeps the name shows no checkbox and costs no extra request); a
//! rename onto another group's name is stopped before any write, found by the check (the
//! message names the group) or refused with 409; a name set elsewhere that breaks the panel's
//! rules never blocks a membership save and is kept exactly, while a changed invalid name still
//! blocks. Screenshots (target/screenshots/): names-rename-review-{light,dark}-{1280,360}.png,
//! names-taken-name-field.png, names-set-elsewhere-warning.png.

use anyhow::{ensure, Context, Result};
use e2e_harness::api::{percent_decode, LoggedRequest};
use e2e_harness::{run, run_with, Options, Panel, RENAME_UNDERSTOOD};
use serde_json::json;

use crate::people::photograph;

/// The logged requests that look for a group by name.
fn name_checks(log: &[LoggedRequest]) -> Vec<String> {
    log.iter()
        .filter(|r| r.method == "GET" && r.path.ends_with("/groups"))
        .filter_map(|r| r.query.as_deref().map(percent_decode))
        .filter(|q| q.contains("filter="))
        .collect()
}

fn writes(log: &[LoggedRequest]) -> usize {
    log.iter()
        .filter(|r| r.method == "PUT" || r.method == "PATCH")
        .count()
}

/// Loads group `id` through "Group ID" and "Load group"; its name must show exactly as `name`.
async fn open(p: &Panel, id: &str, name: &str) -> Result<()> {
    p.to_groups_screen().await?;
    p.fill("Group ID", id).await?;
    p.click("Load group").await?;
    p.status_where("the group loaded", |s| s.contains("Loaded"))
        .await?;
    let shown = p.value("Display name").await?;
    ensure!(shown == name, "Display name shows {shown:?}, want {name:?}");
    Ok(())
}

/// Adds a user who is not in group `id` yet by "Member user ID"; returns the user's ID.
async fn add_someone(p: &Panel, id: &str) -> Result<String> {
    let group = p.api.group(id).await?;
    let users = p.api.users().await?;
    let user = users
        .iter()
        .find(|u| group.members.iter().all(|m| m.value != u.id))
        .context("no user outside the group")?;
    p.fill("Member user ID", &user.id).await?;
    p.click("Add member").await?;
    p.status_where("the member added", |s| s.starts_with("Added"))
        .await?;
    Ok(user.id.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rename_warns_and_waits_for_the_checkbox_and_costs_one_check() -> Result<()> {
    run("names-rename", |p| async move {
        p.connect().await?;
        let id = p.api.group_id_by_name("Sales").await?;
        open(&p, &id, "Sales").await?;

        // A save that keeps the name: no checkbox, no look for the name.
        add_someone(&p, &id).await?;
        p.click("Save").await?;
        p.wait_enabled("Confirm save", true).await?;
        ensure!(
            !p.is_shown("checkbox", "input[type=checkbox]", RENAME_UNDERSTOOD)
                .await?,
            "a save that keeps the name asks to understand a rename"
        );
        p.control.clear_requests().await?;
        p.click("Confirm save").await?;
        p.status_where("saved", |s| s.starts_with("Saved “Sales”"))
            .await?;
        let log = p.control.requests().await?;
        ensure!(
            name_checks(&log).is_empty() && log.len() <= 2,
            "a save that keeps the name sent {log:?}"
        );

        // A rename: the warning, and Confirm save disabled until the box is ticked.
        p.fill("Display name", "Sales EMEA").await?;
        p.click("Save").await?;
        let review = p.region("Review changes").await?;
        p.wait_text_in(&review, "the rename's warning", |t| {
            t.contains("omni_user_groups") && t.contains("Embed links")
        })
        .await?;
        p.checkbox(RENAME_UNDERSTOOD).await?;
        p.wait_enabled("Confirm save", false).await?;
        photograph(&p, "review", "review-heading").await?;
        p.set_checkbox(RENAME_UNDERSTOOD, true).await?;
        p.wait_enabled("Confirm save", true).await?;
        p.set_checkbox(RENAME_UNDERSTOOD, false).await?;
        p.wait_enabled("Confirm save", false).await?;
        p.set_checkbox(RENAME_UNDERSTOOD, true).await?;
        p.control.clear_requests().await?;
        let confirm = p.button("Confirm save").await?;
        p.reveal(&confirm).await?;
        confirm.click().await?;
        p.status_where("renamed", |s| s.starts_with("Saved “Sales EMEA”"))
            .await?;
        let log = p.control.requests().await?;
        let checks = name_checks(&log);
        ensure!(
            checks.len() == 1 && checks[0].contains(r#"filter=displayName eq "Sales EMEA""#),
            "the look for the new name: {checks:?}"
        );
        ensure!(
            log.len() == 3 && writes(&log) == 1,
            "a rename costs the check, the read and the write: {log:?}"
        );
        ensure!(p.api.group(&id).await?.display_name == "Sales EMEA");
        Ok(())
    })
    .await
}

/// Renames the open group to `new`, ticks the box and confirms; returns the alert.
async fn rename_to(p: &Panel, new: &str, says: &str) -> Result<String> {
    p.fill("Display name", new).await?;
    p.click("Save").await?;
    p.set_checkbox(RENAME_UNDERSTOOD, true).await?;
    p.click("Confirm save").await?;
    p.alert_containing(says).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_another_group_has_in_another_case_is_refused_before_any_write() -> Result<()> {
    // RFC 7644 servers compare displayName without case (caseExact false): the check finds it.
    let options = Options::default().args(&["--mode", "rfc7644"]);
    run_with("names-taken", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let id = p.api.group_id_by_name("Sales").await?;
        let other = p.api.group_id_by_name("Engineering").await?;
        open(&p, &id, "Sales").await?;
        p.control.clear_requests().await?;
        let alert = rename_to(&p, "ENGINEERING", "Another group already has the name").await?;
        ensure!(
            alert.contains("Engineering")
                && alert.contains(&other)
                && alert.contains("Nothing was sent"),
            "the message names the other group: {alert}"
        );
        p.field_error("Display name", "Another group already has the name")
            .await?;
        let log = p.control.requests().await?;
        ensure!(writes(&log) == 0, "a write was sent: {log:?}");
        ensure!(name_checks(&log).len() == 1, "one check: {log:?}");
        // Save now says why not, and sends nothing.
        p.click("Save").await?;
        p.alert_containing("Another group has this display name")
            .await?;
        p.js("document.getElementById('display-name').scrollIntoView({block: 'center'}); return true;")
            .await?;
        p.screenshot("name-field").await?;
        ensure!(p.api.group(&id).await?.display_name == "Sales");
        // Another name is fine again.
        p.fill("Display name", "Sales EMEA").await?;
        p.click("Save").await?;
        p.click("Confirm save").await?;
        p.status_where("renamed", |s| s.starts_with("Saved “Sales EMEA”"))
            .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn omni_an_exact_name_is_found_first_and_a_409_says_the_name_is_taken() -> Result<()> {
    run("names-409", |p| async move {
        p.connect().await?;
        let id = p.api.group_id_by_name("Sales").await?;
        let other = p.api.group_id_by_name("Engineering").await?;
        open(&p, &id, "Sales").await?;

        // The exact name: found by the check, nothing written.
        p.control.clear_requests().await?;
        let alert = rename_to(&p, "Engineering", "Another group already has the name").await?;
        ensure!(alert.contains(&other), "the other group's ID: {alert}");
        ensure!(
            writes(&p.control.requests().await?) == 0,
            "a write was sent"
        );

        // Omni's exact filter misses another case; the write's 409 is told the same way.
        p.control.clear_requests().await?;
        let alert = rename_to(&p, "engineering", "Another group already has the name").await?;
        ensure!(alert.contains("409"), "the 409: {alert}");
        p.field_error("Display name", "Another group already has the name")
            .await?;
        let log = p.control.requests().await?;
        ensure!(
            log.iter().any(|r| r.method == "PUT" && r.status == 409),
            "the sandbox answered 409: {log:?}"
        );

        // Forced, with PATCH: the same message.
        p.fill("Display name", "Sales West").await?;
        p.click("Save").await?;
        p.set_checkbox("Save with PATCH", true).await?;
        p.control
            .set_faults(json!({ "fail_status": 409, "fail_method": "PATCH" }))
            .await?;
        p.click("Confirm save").await?;
        let alert = p
            .alert_containing("Another group already has the name")
            .await?;
        p.control.clear_faults().await?;
        ensure!(alert.contains("Sales West"), "the new name: {alert}");
        ensure!(p.api.group(&id).await?.display_name == "Sales");
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_set_elsewhere_never_block_a_membership_save_and_are_kept_exactly() -> Result<()> {
    run("names-set-elsewhere", |p| async move {
        p.connect().await?;
        let id = p.api.group_id_by_name("Sales").await?;
        let odd_names = [
            " Sales".to_string(),
            format!("Sales {}", "W".repeat(64)),
            "Sales \u{202E}EMEA".to_string(),
        ];
        for (n, odd) in odd_names.iter().enumerate() {
            p.control.set_group_name(&id, odd).await?;
            open(&p, &id, odd).await?;
            let body = p.body_text().await?;
            ensure!(
                body.contains("This name was set outside the panel"),
                "no warning for {odd:?}"
            );
            if n == 2 {
                p.screenshot("warning").await?;
            }
            let added = add_someone(&p, &id).await?;
            p.click("Save").await?;
            // The 70-character name is saved with PATCH (no name sent), the others with PUT
            // (the name sent back exactly as the server has it).
            p.set_checkbox("Save with PATCH", n == 1).await?;
            p.wait_enabled("Confirm save", true).await?;
            ensure!(
                !p.is_shown("checkbox", "input[type=checkbox]", RENAME_UNDERSTOOD)
                    .await?,
                "the kept name {odd:?} is taken for a rename"
            );
            p.control.clear_requests().await?;
            p.click("Confirm save").await?;
            p.status_where("saved", |s| s.starts_with("Saved")).await?;
            let g = p.api.group(&id).await?;
            ensure!(
                g.display_name == *odd,
                "the server has {:?}, want {odd:?}",
                g.display_name
            );
            ensure!(
                g.members.iter().any(|m| m.value == added),
                "{added} not added"
            );
            let log = p.control.requests().await?;
            let method = if n == 1 { "PATCH" } else { "PUT" };
            ensure!(
                name_checks(&log).is_empty() && log.iter().any(|r| r.method == method),
                "{odd:?}: {log:?}"
            );
        }
        // A changed name must follow the rules.
        p.fill("Display name", &format!("Sales {}", "X".repeat(64)))
            .await?;
        p.field_error("Display name", "at most 64").await?;
        p.click("Save").await?;
        p.alert_containing("Fix the display name to save").await?;
        ensure!(
            !p.has_region("Review changes").await?,
            "a changed invalid name opened the review"
        );
        Ok(())
    })
    .await
}
