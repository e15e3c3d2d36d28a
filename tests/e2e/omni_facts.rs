//! Omni beyond the PUT page (issue 14): embed users in groups, and what a group grants.
//! - A group holding embed users (`--embed-users`) names them "Embed user" in the member list
//!   and the review; saves with PUT and with PATCH keep them; removing one warns that their next
//!   embed login may add them back. A member found nowhere is "Unknown user".
//! - "Access this group grants" (`--model-roles`) lists the group's roles, a removal's review
//!   repeats them, a group without roles says so, a refused read is one quiet line, and a save
//!   costs no extra request.
//!
//! Screenshots (target/screenshots/): omni-embed-*, omni-grants-* (axe-checked, light and dark,
//! 1280 and 360 px).

use anyhow::{ensure, Context, Result};
use e2e_harness::api::{requests_text, Group};
use e2e_harness::{run_with, Options, Panel};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The embed users the sandbox lists (`(id, userName)`), read past the panel.
async fn embed_users(p: &Panel) -> Result<Vec<(String, String)>> {
    let (status, body) = p.api.send("GET", "/embed/Users?count=100", None).await?;
    ensure!(status == 200, "GET /embed/Users answered {status}: {body}");
    let list: Value = serde_json::from_str(&body)?;
    Ok(list["Resources"]
        .as_array()
        .context("no Resources")?
        .iter()
        .map(|u| {
            let s = |k: &str| u[k].as_str().unwrap_or_default().to_string();
            (s("id"), s("userName"))
        })
        .collect())
}

fn ids(g: &Group) -> BTreeSet<String> {
    g.members.iter().map(|m| m.value.clone()).collect()
}

async fn open(p: &Panel, name: &str) -> Result<Group> {
    let id = p.api.group_id_by_name(name).await?;
    let g = p.api.group(&id).await?;
    p.open_group(&g.id, &g.display_name, g.members.len())
        .await?;
    Ok(g)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn embed_members_are_named_and_kept_by_every_save() -> Result<()> {
    let options = Options::default().args(&["--embed-users", "10", "--model-roles"]);
    run_with("omni-embed", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        let embed = embed_users(&p).await?;
        let sales = open(&p, "Sales").await?;
        let embedded: Vec<&(String, String)> = embed
            .iter()
            .filter(|(id, _)| sales.members.iter().any(|m| m.value == *id))
            .collect();
        ensure!(
            embedded.len() >= 3,
            "Sales holds {} embed users",
            embedded.len()
        );
        let n = embedded.len();
        p.row_texts_where("Members", "name the embed users", |rows| {
            rows.iter().filter(|r| r.contains("Embed user")).count() == n
        })
        .await?;
        super::people::photograph(&p, "members", "editor-heading").await?;

        // A PUT (a regular member removed): every embed member stays.
        let regular = sales
            .members
            .iter()
            .find(|m| embed.iter().all(|(id, _)| *id != m.value))
            .context("no regular member")?
            .clone();
        p.click(&format!("Remove {}", regular.label())).await?;
        p.click("Save").await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;
        let after = p.api.group(&sales.id).await?;
        let mut want = ids(&sales);
        want.remove(&regular.value);
        ensure!(
            ids(&after) == want,
            "after a PUT Sales holds {:?}",
            ids(&after)
        );

        // A PATCH (another regular member removed): the same.
        let other = after
            .members
            .iter()
            .find(|m| embed.iter().all(|(id, _)| *id != m.value))
            .context("no regular member left")?
            .clone();
        p.click(&format!("Remove {}", other.label())).await?;
        p.click("Save").await?;
        p.set_checkbox("Save with PATCH", true).await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;
        let after = p.api.group(&sales.id).await?;
        want.remove(&other.value);
        ensure!(
            ids(&after) == want,
            "after a PATCH Sales holds {:?}",
            ids(&after)
        );

        // Removing an embed user: named as one in the review, with the warning.
        let (gone, gone_name) = embedded[0].clone();
        let label = after
            .members
            .iter()
            .find(|m| m.value == gone)
            .map(|m| m.label().to_string())
            .context("the embed user left Sales")?;
        p.click(&format!("Remove {label}")).await?;
        p.click("Save").await?;
        p.heading("Review changes").await?;
        p.wait_text("Embed user").await?;
        p.wait_text("their next embed login may add them back")
            .await?;
        super::people::photograph(&p, "review", "review-heading").await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;
        let after = p.api.group(&sales.id).await?;
        want.remove(&gone);
        ensure!(
            ids(&after) == want,
            "after removing {gone_name} Sales holds {:?}",
            ids(&after)
        );
        Ok(())
    })
    .await
}

/// A member that neither list has is "Unknown user" once the directory is read: here the
/// embed users of a server without the embed list (rfc7644 mode answers it 404). Such members
/// are kept by a save, and grants are one quiet line there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_found_nowhere_is_an_unknown_user() -> Result<()> {
    let options = Options::default().args(&["--mode", "rfc7644", "--embed-users", "10"]);
    run_with("omni-unknown", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        let (status, _) = p.api.send("GET", "/embed/Users", None).await?;
        ensure!(
            status == 404,
            "the embed list answered {status} in rfc7644 mode"
        );
        let sales = open(&p, "Sales").await?;
        let users: BTreeSet<String> = p.api.all_users().await?.into_iter().map(|u| u.id).collect();
        let strangers = sales
            .members
            .iter()
            .filter(|m| !users.contains(&m.value))
            .count();
        ensure!(
            strangers >= 3,
            "Sales holds {strangers} members the users list lacks"
        );
        // Find user lists the directory; those members are then known to be nobody it has.
        p.fill("Find user", "zzzz-nobody").await?;
        p.row_texts_where("Members", "name the strangers unknown users", |rows| {
            rows.iter().filter(|r| r.contains("Unknown user")).count() == strangers
        })
        .await?;
        p.wait_text("What this group grants could not be read")
            .await?;
        ensure!(
            !p.has_region("Access this group grants").await?,
            "the grants section shows on a server without them"
        );
        // Kept by a save that does not touch them.
        p.fill("Find user", "").await?;
        p.fill("Display name", "Sales team").await?;
        p.click("Save").await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;
        let after = p.api.group(&sales.id).await?;
        ensure!(
            ids(&after) == ids(&sales),
            "the save changed the members: {:?}",
            ids(&after)
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_a_group_grants_is_shown_and_repeated_in_a_removal() -> Result<()> {
    let options = Options::default().args(&["--model-roles"]);
    run_with("omni-grants", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        p.control.clear_requests().await?;
        let eng = open(&p, "Engineering").await?;
        p.heading("Access this group grants").await?;
        p.wait_text("EDITOR on model").await?;
        p.wait_text("QUERIER on model").await?;
        super::people::photograph(&p, "section", "grants-heading").await?;
        let log = p.control.requests().await?;
        let roles: Vec<_> = log
            .iter()
            .filter(|r| r.path.ends_with("/model-roles"))
            .collect();
        ensure!(
            roles.len() == 1
                && roles[0].path == format!("/api/v1/user-groups/{}/model-roles", eng.id),
            "opening a group asked for its roles other than once: {}",
            requests_text(&log)
        );

        // A removal's review repeats them; the save costs no extra request.
        let m = eng.members[0].clone();
        p.click(&format!("Remove {}", m.label())).await?;
        p.control.clear_requests().await?;
        p.click("Save").await?;
        p.wait_text("Removing these people takes away: EDITOR on model")
            .await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;
        let log = p.control.requests().await?;
        ensure!(
            log.len() == 2 && log.iter().all(|r| r.path.contains("/groups/")),
            "the save sent other than its check and its write: {}",
            requests_text(&log)
        );

        // A group without roles says so.
        open(&p, "New hires").await?;
        p.wait_text("No model or connection roles").await?;

        // A refused read (403) is one quiet line, the section gone.
        p.control
            .set_faults(json!({ "fail_status": 403, "fail_path": "model-roles" }))
            .await?;
        open(&p, "Finance").await?;
        p.wait_text("What this group grants could not be read: this key may not (403).")
            .await?;
        ensure!(
            !p.has_region("Access this group grants").await?,
            "the grants section shows after a 403"
        );
        p.control.clear_faults().await?;
        Ok(())
    })
    .await
}
