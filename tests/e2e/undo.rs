//! End-to-end tests of undo: Activity keeps the group as it was before each save (in the
//! tab's session storage, bounded, never the key) and its Restore brings it back through the
//! review; "Download snapshot" and "Restore from file" (a snapshot or an "Export members" CSV).
//! What the panel wrote is checked on the server over HTTP.
use anyhow::{ensure, Context, Result};
use e2e_harness::a11y::{describe, nodes};
use e2e_harness::{run, run_with, Options, Panel};
use fantoccini::elements::Element;

use crate::membership::{
    capture_downloads, confirm_saved, download, expect_counts, open_review, remove, writes,
};
use crate::people::photograph;

const REVIEW: &str = "Review changes";

/// The button whose accessible name starts with `prefix` (Restore names end with a time).
async fn button_starting(p: &Panel, prefix: &str) -> Result<(Element, String)> {
    e2e_harness::eventually(&format!("a button named {prefix:?}…"), || async {
        let found = nodes(&p.client, "button")
            .await
            .map_err(|e| e.to_string())?;
        found
            .iter()
            .find(|n| n.name.starts_with(prefix))
            .map(|n| (n.el.clone(), n.name.clone()))
            .ok_or_else(|| describe(&found))
    })
    .await
}

/// Names of the shown buttons starting with "Restore ".
async fn restore_buttons(p: &Panel) -> Result<Vec<String>> {
    Ok(nodes(&p.client, "button")
        .await?
        .into_iter()
        .map(|n| n.name)
        .filter(|n| n.starts_with("Restore "))
        .collect())
}

/// Chooses `text` as the file `name` in "Restore from file".
async fn choose_file(p: &Panel, name: &str, text: &str) -> Result<tempfile::TempDir> {
    let dir = tempfile::tempdir()?;
    let path = dir.path().join(name);
    std::fs::write(&path, text)?;
    let input = e2e_harness::eventually("a file field \"Restore from file\"", || async {
        let found = nodes(&p.client, "input[type=file]")
            .await
            .map_err(|e| e.to_string())?;
        found
            .iter()
            .find(|n| n.name == "Restore from file")
            .map(|n| n.el.clone())
            .ok_or_else(|| describe(&found))
    })
    .await?;
    input
        .send_keys(&path.display().to_string())
        .await
        .context("choosing the file")?;
    Ok(dir)
}

/// The group `name` is open with `members`; removes its first member and saves.
async fn remove_first_and_save(p: &Panel, id: &str, name: &str) -> Result<String> {
    let g = p.api.group(id).await?;
    let gone = g.members[0].clone();
    remove(p, gone.label(), &gone.value).await?;
    let review = open_review(p).await?;
    expect_counts(&review, 0, 1, g.members.len() - 1)?;
    confirm_saved(p, name, g.members.len() - 1).await?;
    Ok(gone.value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_from_activity_survives_a_reload_and_keeps_no_key() -> Result<()> {
    // A tiny bound, so the third save drops the oldest entry.
    let options = Options::default().config("activity-entries=2");
    run_with("undo-activity", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let id = p.api.group_id_by_name("Sales").await?;
        let before = p.api.group(&id).await?;
        let n = before.members.len();
        p.open_group(&id, "Sales", n).await?;
        let gone = remove_first_and_save(&p, &id, "Sales").await?;

        // Activity: the save, with its Restore.
        p.click_link("Activity").await?;
        let (restore, name) = button_starting(&p, "Restore Sales as before ").await?;
        ensure!(
            name.len() > "Restore Sales as before ".len(),
            "the Restore names no time: {name:?}"
        );
        photograph(&p, "activity-restore", "activity-heading").await?;

        // Restore opens the review of bringing the member back; nothing is written before
        // Confirm save.
        p.control.clear_requests().await?;
        restore.click().await?;
        p.heading(REVIEW).await?;
        let review = e2e_harness::a11y::normalize(&p.region(REVIEW).await?.text().await?);
        expect_counts(&review, 1, 0, n - 1)?;
        p.wait_text("The draft is set to the group as it was before that save")
            .await?;
        let log = p.control.requests().await?;
        ensure!(
            writes(&log).is_empty(),
            "written before Confirm save: {log:?}"
        );
        photograph(&p, "restore-review", "review-heading").await?;
        confirm_saved(&p, "Sales", n).await?;
        let after = p.api.group(&id).await?;
        ensure!(
            after.members.iter().any(|m| m.value == gone),
            "the restored member {gone} is not on the server"
        );
        ensure!(
            after.members.len() == n,
            "the server has {} members",
            after.members.len()
        );

        // A third save: the oldest entry is dropped, with a note.
        remove_first_and_save(&p, &id, "Sales").await?;

        // After a reload: the entries and their Restore are still there.
        p.reload().await?;
        p.click_link("Activity").await?;
        p.wait_text("Older entries were dropped: 1 entry").await?;
        let restores = e2e_harness::eventually("two Restore buttons", || async {
            let names = restore_buttons(&p).await.map_err(|e| e.to_string())?;
            if names.len() == 2 {
                Ok(names)
            } else {
                Err(format!("{names:?}"))
            }
        })
        .await?;
        ensure!(
            restores
                .iter()
                .all(|n| n.starts_with("Restore Sales as before ")),
            "{restores:?}"
        );

        // The stored Activity holds the groups as they were, never the key; nothing of them
        // is in localStorage.
        let stored = p.session_storage().await?;
        let activity: Vec<&(String, String)> = stored
            .iter()
            .filter(|(k, _)| k.contains("activity"))
            .collect();
        ensure!(
            activity.len() == 1,
            "session storage keys: {:?}",
            stored.iter().map(|(k, _)| k).collect::<Vec<_>>()
        );
        ensure!(
            activity[0].1.contains(&gone),
            "the stored Activity lacks the earlier members"
        );
        ensure!(
            !activity[0].1.contains(&p.key),
            "the stored Activity holds the key"
        );
        let local = p.js("return JSON.stringify(localStorage);").await?;
        let local = local.as_str().unwrap_or_default();
        ensure!(
            !local.contains(&gone) && !local.contains("Sales"),
            "localStorage: {local}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_from_a_snapshot_or_an_exported_csv() -> Result<()> {
    run("undo-files", |p| async move {
        p.connect().await?;
        let id = p.api.group_id_by_name("Support").await?;
        let support = p.api.group(&id).await?;
        let n = support.members.len();
        p.open_group(&id, "Support", n).await?;
        capture_downloads(&p).await?;

        // Download snapshot: the name and members, versioned, safely named.
        p.click("Download snapshot").await?;
        let (file, kind, snapshot) = download(&p, 1).await?;
        ensure!(
            file == "Support-snapshot.json",
            "the file is named {file:?}"
        );
        ensure!(kind.starts_with("application/json"), "the type is {kind}");
        let v: serde_json::Value = serde_json::from_str(&snapshot)?;
        ensure!(
            v["version"] == 1
                && v["id"] == id.as_str()
                && v["format"] == "omni-scim-panel group snapshot",
            "{v}"
        );
        ensure!(v["members"].as_array().map(Vec::len) == Some(n), "{v}");

        // A file of neither kind: said at the control, nothing changed.
        let _wrong = choose_file(&p, "notes.txt", "hello, world\n").await?;
        p.wait_text("This file is neither a group snapshot").await?;
        ensure!(
            !p.has_region(REVIEW).await?,
            "a wrong file opened the review"
        );
        photograph(&p, "snapshot-controls", "download-snapshot").await?;

        // Two members removed and saved; the snapshot brings them back through the review.
        let gone = remove_first_and_save(&p, &id, "Support").await?;
        let gone2 = remove_first_and_save(&p, &id, "Support").await?;
        p.control.clear_requests().await?;
        let _snap = choose_file(&p, "Support-snapshot.json", &snapshot).await?;
        p.heading(REVIEW).await?;
        let review = e2e_harness::a11y::normalize(&p.region(REVIEW).await?.text().await?);
        expect_counts(&review, 2, 0, n - 2)?;
        ensure!(
            writes(&p.control.requests().await?).is_empty(),
            "written before Confirm save"
        );
        confirm_saved(&p, "Support", n).await?;
        let after = p.api.group(&id).await?;
        for m in [&gone, &gone2] {
            ensure!(
                after.members.iter().any(|x| &x.value == m),
                "{m} not restored"
            );
        }

        // Another group's snapshot is refused, naming both groups.
        let finance_id = p.api.group_id_by_name("Finance").await?;
        let finance = p.api.group(&finance_id).await?;
        let f = finance.members.len();
        p.open_group(&finance_id, "Finance", f).await?;
        let _other = choose_file(&p, "Support-snapshot.json", &snapshot).await?;
        p.wait_text("This snapshot is of another group, “Support”")
            .await?;
        ensure!(
            !p.has_region(REVIEW).await?,
            "another group's snapshot opened the review"
        );

        // An "Export members" CSV brings the members back too.
        p.click("Export members").await?;
        let (_, _, csv) = download(&p, 2).await?;
        let lost = remove_first_and_save(&p, &finance_id, "Finance").await?;
        let _csv = choose_file(&p, "Finance-members.csv", &csv).await?;
        p.heading(REVIEW).await?;
        let review = e2e_harness::a11y::normalize(&p.region(REVIEW).await?.text().await?);
        expect_counts(&review, 1, 0, f - 1)?;
        confirm_saved(&p, "Finance", f).await?;
        let after = p.api.group(&finance_id).await?;
        ensure!(
            after.members.iter().any(|x| x.value == lost),
            "{lost} not restored from the CSV"
        );
        Ok(())
    })
    .await
}
