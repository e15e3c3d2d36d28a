//! The main path: connect, rename, add and remove, save, and what the server then holds; a
//! wrong key, a missing group, an overlong name, where the key lives and an unanswered request.
use anyhow::{ensure, Context, Result};
use e2e_harness::{eventually, is_connected, members_text, run, run_with, Options, Panel};
use serde_json::json;

const NAME_LIMIT: usize = 64;

/// Loads the group named `name` into the (connected) panel; returns it as the server has it.
async fn load_group(p: &Panel, name: &str) -> Result<e2e_harness::Group> {
    let id = p.api.group_id_by_name(name).await?;
    let group = p.api.group(&id).await?;
    p.fill("Group ID", &id).await?;
    p.click("Load group").await?;
    let count = group.members.len();
    p.rows_where("Members", &format!("list the {count} members"), |rows| {
        rows.len() == count
    })
    .await?;
    let shown = p.value("Display name").await?;
    ensure!(
        shown == name,
        "Display name shows {shown:?} after loading {name:?}"
    );
    Ok(group)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rename_add_remove_and_save_reaches_the_server() -> Result<()> {
    run("happy", |p| async move {
        p.connect().await?;
        p.screenshot_showing("connected", "Connected").await?;

        let before = load_group(&p, "Engineering").await?;
        ensure!(
            before.members.len() >= 2,
            "the seeded Engineering group needs at least 2 members for this test, has: {}",
            members_text(&before.members)
        );
        let name_field = p.textbox("Display name").await?;
        p.reveal(&name_field).await?;
        p.screenshot("loaded").await?;

        // A user who is not in the group yet, from the sandbox's own user list.
        let users = p.api.users().await?;
        let newcomer = users
            .iter()
            .find(|u| before.members.iter().all(|m| m.value != u.id))
            .context("the sandbox has no user outside Engineering to add")?
            .clone();
        let removed = before.members[0].clone();

        p.fill("Display name", "Platform Engineering").await?;
        p.fill("Member user ID", &newcomer.id).await?;
        let newcomer_display = newcomer
            .display_name
            .clone()
            .unwrap_or_else(|| newcomer.user_name.clone());
        p.fill("Member display name", &newcomer_display).await?;
        p.click("Add member").await?;
        p.rows_where("Members", "include the added user", |rows| {
            rows.iter()
                .any(|r| r.contains(&newcomer.id) || r.contains(&newcomer_display))
        })
        .await?;

        p.click(&format!("Remove {}", removed.label())).await?;
        let removed_label = removed.label().to_owned();
        // The row stays, struck through and tagged, until saved.
        p.rows_where("Members", "mark the removed member", |rows| {
            rows.iter()
                .any(|r| r.contains(&removed_label) && r.contains("Removed"))
        })
        .await?;

        ensure!(
            p.is_enabled("Save").await?,
            "Save is disabled for a valid edit"
        );
        // Save opens the review; nothing is sent until it is confirmed.
        p.click("Save").await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;
        ensure!(
            p.alerts().await?.is_empty(),
            "alerts after saving: {:?}",
            p.alerts().await?
        );
        p.screenshot_showing("saved", "Saved").await?;

        // What the server holds now, read past the panel.
        let after = p.api.group(&before.id).await?;
        ensure!(
            after.display_name == "Platform Engineering",
            "server displayName is {:?}",
            after.display_name
        );
        let has = |id: &str| after.members.iter().any(|m| m.value == id);
        ensure!(
            has(&newcomer.id),
            "added user {} missing on the server: {}",
            newcomer.id,
            members_text(&after.members)
        );
        ensure!(
            !has(&removed.value),
            "removed user {} still on the server: {}",
            removed.value,
            members_text(&after.members)
        );
        for kept in &before.members[1..] {
            ensure!(
                has(&kept.value),
                "member {} was lost on save: {}",
                kept.value,
                members_text(&after.members)
            );
        }
        ensure!(
            after.members.len() == before.members.len(),
            "expected {} members after one add and one remove, server has {}",
            before.members.len(),
            members_text(&after.members)
        );

        // scripts/bench measures between the panel's performance marks: all of them are set,
        // each (its first) after the step before it.
        let mut at = Vec::new();
        for name in e2e_harness::perf::PANEL_MARKS {
            let marks = p.wait_marks(name, 0, e2e_harness::WAIT).await?;
            at.push((*name, marks[0]));
        }
        for pair in at.windows(2) {
            let ((a, ta), (b, tb)) = (pair[0], pair[1]);
            ensure!(
                ta <= tb,
                "performance mark {b:?} ({tb} ms) comes before {a:?} ({ta} ms)"
            );
        }
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_key_is_reported_and_nothing_typed_is_lost() -> Result<()> {
    run("wrong-key", |p| async move {
        let wrong = format!("{}-wrong", p.key);
        p.connect_with(&wrong).await?;
        // Said at the key field, not in an alert further down.
        let said = error_at_field(&p, "API key", "API key was refused (401)").await?;
        p.screenshot_showing("wrong-key", "API key").await?;
        ensure!(
            !said.contains(&wrong),
            "the message echoes the key: {said:?}"
        );

        let base = p.value("SCIM base URL").await?;
        ensure!(
            base == "/api/scim/v2",
            "base URL field lost its value: {base:?}"
        );
        let key = p.value("API key").await?;
        ensure!(
            key == wrong,
            "API key field lost what was typed (now {} chars)",
            key.len()
        );
        let statuses = p.body_text().await?;
        ensure!(
            !statuses.lines().any(is_connected),
            "the page claims to be connected with a wrong key:\n{statuses}"
        );
        Ok(())
    })
    .await
}

/// The field labelled `label` is marked invalid (`aria-invalid`) and described
/// (`aria-describedby`) by a message containing `needle`, which no alert repeats, and the focus
/// is on it; returns its description.
async fn error_at_field(p: &Panel, label: &str, needle: &str) -> Result<String> {
    let described = eventually(
        &format!("{label:?} invalid and described by {needle:?}"),
        || async move {
            let field = p.textbox(label).await.map_err(|e| e.to_string())?;
            let attr = |name: &'static str| {
                let field = field.clone();
                async move { field.attr(name).await.map_err(|e| e.to_string()) }
            };
            let invalid = attr("aria-invalid").await?;
            let ids = attr("aria-describedby").await?.unwrap_or_default();
            let script = format!(
                "return {ids:?}.split(' ').map(id => document.getElementById(id)?.textContent ?? '').join(' ');"
            );
            let text = p.js(&script).await.map_err(|e| e.to_string())?;
            let text = text.as_str().unwrap_or_default().to_owned();
            let focused = p
                .js("return document.activeElement?.labels?.[0]?.textContent ?? '';")
                .await
                .map_err(|e| e.to_string())?;
            if invalid.as_deref() == Some("true")
                && text.contains(needle)
                && focused.as_str() == Some(label)
            {
                Ok(text)
            } else {
                Err(format!(
                    "aria-invalid={invalid:?}, description {text:?}, focus on {focused}"
                ))
            }
        },
    )
    .await?;
    let alerts = p.alerts().await?;
    ensure!(
        !alerts.iter().any(|a| a.contains(needle)),
        "the message is also in an alert: {alerts:?}"
    );
    Ok(described)
}

/// Nothing on the page says "Connected", and the key is in no storage.
async fn not_connected_and_key_not_kept(p: &Panel) -> Result<()> {
    let text = p.body_text().await?;
    ensure!(
        !text.lines().any(is_connected),
        "the page says it is connected:\n{text}"
    );
    let stored = p
        .js("return Object.values(sessionStorage).concat(Object.values(localStorage)).join('\\n');")
        .await?;
    ensure!(
        !stored.as_str().unwrap_or_default().contains(&p.key),
        "a failed Connect kept the key in storage"
    );
    Ok(())
}

/// Connect succeeds only when the server answered with SCIM: a base path where the host
/// serves a web page (the sandbox serves the panel's index.html for any unknown path, status
/// 200), or JSON that is not a SCIM list, leaves the panel not connected, with the reason at
/// "SCIM base URL"; the right base URL then connects.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_answer_that_is_not_scim_does_not_connect() -> Result<()> {
    run("not-scim", |p| async move {
        p.fill("SCIM base URL", "/nope/v2").await?;
        p.fill("API key", &p.key).await?;
        p.click("Connect").await?;
        error_at_field(
            &p,
            "SCIM base URL",
            "web page (HTML) instead of a SCIM list",
        )
        .await?;
        p.screenshot_showing("wrong-path", "web page").await?;
        not_connected_and_key_not_kept(&p).await?;
        let key = p.value("API key").await?;
        ensure!(key == p.key, "the API key field lost what was typed");

        // JSON, but not SCIM: Omni's error shape sent with status 200 (a confused gateway).
        p.control
            .set_faults(json!({ "fail_path": "/groups", "fail_status": 200 }))
            .await?;
        p.fill("SCIM base URL", "/api/scim/v2").await?;
        p.click("Connect").await?;
        error_at_field(&p, "SCIM base URL", "JSON, but not a SCIM list").await?;
        not_connected_and_key_not_kept(&p).await?;

        p.control.clear_faults().await?;
        p.click("Connect").await?;
        p.status_where("Connected", is_connected).await?;
        let base = p.textbox("SCIM base URL").await?;
        let invalid = base.attr("aria-invalid").await?;
        ensure!(
            invalid.as_deref() == Some("false"),
            "the base URL field is still marked invalid after connecting: {invalid:?}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_group_is_reported_as_not_found() -> Result<()> {
    run("missing-group", |p| async move {
        p.connect().await?;
        p.fill("Group ID", "noSuchGroup42").await?;
        p.click("Load group").await?;
        p.alert_containing("not found").await?;
        p.screenshot_showing("not-found", "not found").await?;
        let id = p.value("Group ID").await?;
        ensure!(
            id == "noSuchGroup42",
            "Group ID field lost its value: {id:?}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlong_display_name_is_flagged_and_blocks_save() -> Result<()> {
    run("validation", |p| async move {
        p.connect().await?;
        load_group(&p, "Sales").await?;
        let counter = format!("{}/{NAME_LIMIT}", "Sales".len());
        ensure!(
            p.body_text().await?.contains(&counter),
            "no {counter:?} character counter next to the display name"
        );

        let long = "x".repeat(NAME_LIMIT + 1);
        p.fill("Display name", &long).await?;
        let over = format!("{}/{NAME_LIMIT}", NAME_LIMIT + 1);
        e2e_harness::eventually("the counter to show the overflow", || async {
            let text = p.body_text().await.map_err(|e| e.to_string())?;
            if text.contains(&over) {
                Ok(())
            } else {
                Err(format!("page text: {text}"))
            }
        })
        .await?;
        // The error states the limit, tied to the field for screen readers.
        p.field_error("Display name", &NAME_LIMIT.to_string())
            .await?;
        ensure!(
            !p.is_enabled("Save").await?,
            "Save is enabled with a 65-character name"
        );
        let field = p.textbox("Display name").await?;
        p.reveal(&field).await?;
        p.screenshot("too-long").await?;

        // Back within the limit, saving is possible again.
        p.fill("Display name", &"y".repeat(NAME_LIMIT)).await?;
        e2e_harness::eventually("Save to be enabled again", || async {
            match p.is_enabled("Save").await {
                Ok(true) => Ok(()),
                Ok(false) => Err("Save disabled".to_owned()),
                Err(e) => Err(e.to_string()),
            }
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_lives_only_in_session_storage() -> Result<()> {
    run("key-storage", |p| async move {
        p.connect().await?;
        let key = p.key.clone();

        let session = p
            .js("return Object.keys(sessionStorage).map(k => k + '=' + sessionStorage.getItem(k));")
            .await?;
        ensure!(
            session.to_string().contains(&key),
            "the key is not in sessionStorage ({} entries)",
            session.as_array().map(Vec::len).unwrap_or(0)
        );
        let local = p
            .js("return Object.keys(localStorage).map(k => k + '=' + localStorage.getItem(k));")
            .await?;
        ensure!(!local.to_string().contains(&key), "the key is in localStorage");
        let cookies = p.js("return document.cookie;").await?;
        ensure!(!cookies.to_string().contains(&key), "the key is in a cookie");
        let url = p.client.current_url().await?;
        ensure!(!url.as_str().contains(&key), "the key is in the URL: {url}");

        // The page's markup, less the password field's own value attribute (the one place the
        // key may be), and its visible text.
        let html = p
            .js("const d = document.documentElement.cloneNode(true); \
                 d.querySelectorAll('input[type=password]').forEach(i => i.removeAttribute('value')); \
                 return d.outerHTML;")
            .await?;
        ensure!(!html.to_string().contains(&key), "the key appears in the page's HTML");
        ensure!(!p.body_text().await?.contains(&key), "the key appears in the page's text");
        let in_field = p.value("API key").await?;
        ensure!(
            in_field.is_empty() || in_field == key,
            "the API key field holds something else ({} chars)",
            in_field.len()
        );

        p.click("Forget key").await?;
        e2e_harness::eventually("the key to leave sessionStorage", || async {
            let s = p
                .js("return Object.keys(sessionStorage).map(k => k + '=' + sessionStorage.getItem(k));")
                .await
                .map_err(|e| e.to_string())?;
            if s.to_string().contains(&key) {
                Err("still in sessionStorage".to_owned())
            } else {
                Ok(())
            }
        })
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_with_no_answer_is_cancelled_and_can_be_retried() -> Result<()> {
    // The deployer's setting (index.html's config meta tag) shortens the 30 s default.
    let options = Options::default().config("request-timeout-seconds=3");
    run_with("timeout", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let id = p.api.group_id_by_name("Sales").await?;
        // The server now answers only after 20 s; the panel gives up after 3 s.
        p.control
            .set_faults(serde_json::json!({ "latency_ms": 20_000 }))
            .await?;
        p.fill("Group ID", &id).await?;
        p.click("Load group").await?;
        p.alert_containing("within 3 seconds").await?;
        p.screenshot_showing("timed-out", "3 seconds").await?;
        ensure!(
            p.value("Group ID").await? == id,
            "the typed group ID was lost"
        );

        // Once the server answers again, the same button loads the group.
        p.control.clear_faults().await?;
        p.click("Load group").await?;
        p.status_where("the group loaded", |s| s.contains("Loaded “Sales”"))
            .await?;
        Ok(())
    })
    .await
}
