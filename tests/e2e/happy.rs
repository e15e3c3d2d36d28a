//! The main path: connect, rename, add and remove, save, and what the server then holds; a
//! wrong key, a missing group, an overlong name, where the key lives and an unanswered request.
use anyhow::{ensure, Context, Result};
use e2e_harness::procs::{self, Sandbox};
use e2e_harness::{eventually, is_connected, members_text, run, run_with, Options, Panel};
use fantoccini::key::Key;
use serde_json::json;

const NAME_LIMIT: usize = 64;

/// Loads the group named `name` into the (connected) panel; returns it as the server has it.
async fn load_group(p: &Panel, name: &str) -> Result<e2e_harness::Group> {
    let id = p.api.group_id_by_name(name).await?;
    let group = p.api.group(&id).await?;
    p.to_groups_screen().await?;
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
        // The fields are behind "Change connection" now; the base URL is no longer marked.
        p.click("Change connection").await?;
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

/// An unknown group ID (typed, or in a link) is said at the top of the main area, the first
/// thing in view, with the ID in "Group ID" to fix and a way back to Groups.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_group_is_reported_as_not_found() -> Result<()> {
    run("missing-group", |p| async move {
        p.connect().await?;
        p.fill("Group ID", "noSuchGroup42").await?;
        p.click("Load group").await?;
        let alert = p.alert_containing("not found").await?;
        ensure!(
            alert.starts_with("No group with ID “noSuchGroup42”: not found (404)"),
            "the alert does not say which ID was not found: {alert:?}"
        );
        p.screenshot_showing("not-found", "not found").await?;
        alert_at_the_top(&p, "No group with ID").await?;
        let id = p.value("Group ID").await?;
        ensure!(
            id == "noSuchGroup42",
            "Group ID field lost its value: {id:?}"
        );

        // A link to a group that is not there: its ID is copied into the field.
        p.js("location.hash = '#/groups/nope%20nope'; return true;")
            .await?;
        p.alert_containing("No group with ID “nope nope”").await?;
        alert_at_the_top(&p, "No group with ID").await?;
        eventually("the ID from the link in Group ID", || async {
            match p.value("Group ID").await {
                Ok(v) if v == "nope nope" => Ok(()),
                Ok(v) => Err(format!("Group ID holds {v:?}")),
                Err(e) => Err(e.to_string()),
            }
        })
        .await?;

        // The way back: the Groups list, without the old alert.
        p.click_link("Back to Groups").await?;
        p.table("Groups").await?;
        p.settle().await?;
        let alerts = p.alerts().await?;
        ensure!(alerts.is_empty(), "the not-found alert stayed: {alerts:?}");
        Ok(())
    })
    .await
}

/// The alert containing `needle` is the first thing in the main area and fully in view
/// without scrolling.
async fn alert_at_the_top(p: &Panel, needle: &str) -> Result<()> {
    let script = format!(
        "window.scrollTo(0, 0);          const a = [...document.querySelectorAll('main [role=alert]')].find(e => e.textContent.includes({needle:?}));          if (!a) return 'no alert';          const r = a.getBoundingClientRect();          const first = [...document.querySelectorAll('main section, main [role=alert]')].find(e => e.getBoundingClientRect().height > 0);          if (first !== a) return 'the first thing in main is ' + first?.outerHTML.slice(0, 80);          return r.bottom <= innerHeight ? 'ok' : 'below the fold: ' + r.top;"
    );
    let said = p.js(&script).await?;
    ensure!(
        said.as_str() == Some("ok"),
        "the alert is not at the top: {said}"
    );
    Ok(())
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
        // Connected, the key field is gone with the connect card.
        let fields = p
            .js("return document.querySelectorAll('input[type=password]').length;")
            .await?;
        ensure!(fields == 0, "a key field is still in the page: {fields}");

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

/// The element id that has the focus ("" for none).
async fn focused_id(p: &Panel) -> Result<String> {
    let v = p.js("return document.activeElement?.id ?? '';").await?;
    Ok(v.as_str().unwrap_or_default().to_owned())
}

/// Waits until the element with id `id` has the focus.
async fn wait_focus_on(p: &Panel, id: &str) -> Result<()> {
    eventually(&format!("the focus on #{id}"), || async move {
        match focused_id(p).await {
            Ok(f) if f == id => Ok(()),
            Ok(f) => Err(format!("focus on #{f}")),
            Err(e) => Err(e.to_string()),
        }
    })
    .await
}

/// Before connecting: one centred card, one primary button, the key guide beside the panel,
/// example placeholders, no Forget key. Connect (here from Activity) lands on Groups at full
/// width with the focus on Group ID; the connection is one line in the top bar ("Connected to"
/// the server's short name, said once) with Change connection, which shows the fields again
/// (focus on the first; Escape and Cancel close them). On a phone the screen starts at the top.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connect_lands_on_groups_with_the_connection_in_the_top_bar() -> Result<()> {
    run("top-bar", |p| async move {
        p.heading("Connect to your SCIM server").await?;
        let primaries = p
            .js("return [...document.querySelectorAll('button.primary')].filter(b => b.offsetParent).map(b => b.textContent.trim());")
            .await?;
        ensure!(
            primaries == json!(["Connect"]),
            "primary buttons before connecting: {primaries}"
        );
        ensure!(
            !p.is_shown("button", "button", "Forget key").await?,
            "Forget key is offered with no key stored"
        );
        ensure!(
            !p.is_shown("textbox", "input", "Group ID").await?,
            "Group ID is offered before connecting"
        );
        let placeholder = p
            .textbox("SCIM base URL")
            .await?
            .attr("placeholder")
            .await?
            .unwrap_or_default();
        ensure!(
            placeholder.starts_with("e.g. "),
            "the placeholder looks like a value: {placeholder:?}"
        );
        let guide = p.link("Where do I get an organization key?").await?;
        let href = guide.attr("href").await?.unwrap_or_default();
        ensure!(href == "organization-key.md", "the guide link goes to {href:?}");
        let text = p
            .js("return fetch('organization-key.md').then(r => r.ok ? r.text() : 'HTTP ' + r.status);")
            .await?;
        ensure!(
            text.as_str()
                .is_some_and(|t| t.starts_with("# Where do I get an organization key?")),
            "organization-key.md is not served beside the panel: {text}"
        );
        p.screenshot("connect-card").await?;

        p.js("location.hash = '#/activity'; return true;").await?;
        p.heading("Connect to your SCIM server").await?;
        p.connect().await?;
        eventually("the Groups screen", || async {
            let url = p.client.current_url().await.map_err(|e| e.to_string())?;
            match url.fragment() {
                Some("/groups") => Ok(()),
                f => Err(format!("at #{f:?}")),
            }
        })
        .await?;
        let host = p
            .url
            .split_once("://")
            .map_or(p.url.as_str(), |(_, r)| r)
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        let said = p
            .status_where("Connected to …", |s| s.starts_with("Connected to"))
            .await?;
        ensure!(said == format!("Connected to {host}"), "the top bar says {said:?}");
        let in_header = p
            .js("const h = document.querySelector('header'); return !!h.querySelector('#change-connection') && h.textContent.includes('Connected to');")
            .await?;
        ensure!(in_header == json!(true), "the connection is not in the top bar");
        let text = p.visible_text().await?;
        ensure!(
            text.matches("Connected").count() == 1,
            "\"Connected\" is said more than once: {text}"
        );
        ensure!(
            !p.is_shown("textbox", "input", "SCIM base URL").await?,
            "the connection fields stay after Connect"
        );
        p.textbox("Group ID").await?;
        wait_focus_on(&p, "group-id").await?;
        let current = p.link("Groups").await?.attr("aria-current").await?;
        ensure!(current.as_deref() == Some("page"), "Groups is not current");
        let share = p
            .js("return document.querySelector('#groups-heading').closest('section').getBoundingClientRect().width / innerWidth;")
            .await?;
        ensure!(
            share.as_f64().is_some_and(|s| s > 0.85),
            "the Groups screen does not take the full width: {share}"
        );
        p.screenshot("top-bar").await?;

        // Change connection: the fields again, focus on the first, Escape or Cancel closes.
        p.click("Change connection").await?;
        wait_focus_on(&p, "base-url").await?;
        ensure!(
            p.value("SCIM base URL").await? == "/api/scim/v2",
            "the base URL is not the connected one"
        );
        p.screenshot("change-connection").await?;
        p.press(Key::Escape).await?;
        wait_focus_on(&p, "change-connection").await?;
        p.settle().await?;
        ensure!(
            !p.is_shown("textbox", "input", "SCIM base URL").await?,
            "Escape left the connection fields open"
        );
        p.click("Change connection").await?;
        p.click("Cancel").await?;
        wait_focus_on(&p, "change-connection").await?;
        p.status_where("still connected", is_connected).await?;

        // A phone: the top bar stays compact, the screen starts near the top.
        e2e_harness::axe::set_viewport(&p.client, 390, 844).await?;
        p.js("window.scrollTo(0, 0); return true;").await?;
        p.settle().await?;
        let top = p
            .js("return document.querySelector('#groups-heading').getBoundingClientRect().top;")
            .await?;
        ensure!(
            top.as_f64().is_some_and(|t| t < 200.0),
            "on a phone the Groups screen starts {top} px down"
        );
        p.screenshot("top-bar-phone").await?;
        e2e_harness::axe::reset(&p.client).await?;
        Ok(())
    })
    .await
}

/// After a save, what it did is said at the top of the editor ("Saved “Sales”: N members.
/// Added 1 · Removed 0. Last modified <local date and time>.", with a link to Activity), once
/// (not again in the save bar), and the page does not scroll. Activity says the same in words,
/// with a link to the group.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_is_said_at_the_top_without_moving_the_page() -> Result<()> {
    run("saved-at-top", |p| async move {
        p.connect().await?;
        let before = load_group(&p, "Sales").await?;
        let users = p.api.users().await?;
        let newcomer = users
            .iter()
            .find(|u| before.members.iter().all(|m| m.value != u.id))
            .context("the sandbox has no user outside Sales to add")?
            .clone();
        p.fill("Member user ID", &newcomer.id).await?;
        let display = newcomer
            .display_name
            .clone()
            .unwrap_or_else(|| newcomer.user_name.clone());
        p.fill("Member display name", &display).await?;
        p.click("Add member").await?;
        p.click("Save").await?;
        let confirm = p.button("Confirm save").await?;
        p.reveal(&confirm).await?;
        let y_before = p.js("return scrollY;").await?;
        confirm.click().await?;
        let n = before.members.len() + 1;
        let want = format!("Saved “Sales”: {n} members. Added 1 · Removed 0. Last modified ");
        let said = p
            .status_where(&format!("{want:?}"), |s| s.starts_with(&want))
            .await?;
        // "5 Dec 2026, 09:14:03.": day, month word, year, then the local clock.
        let when = said[want.len()..].trim_end_matches('.');
        let parts: Vec<&str> = when.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        ensure!(
            parts.len() == 4
                && parts[1].len() == 3
                && parts[3].len() == 8
                && parts[3].matches(':').count() == 2,
            "the time is not a local date and time: {when:?}"
        );
        p.settle().await?;
        let y_after = p.js("return scrollY;").await?;
        ensure!(
            (y_before.as_f64().unwrap_or(-1.0) - y_after.as_f64().unwrap_or(-9.0)).abs() < 2.0,
            "the page moved from {y_before} to {y_after} after the save"
        );
        let order = p
            .js(
                "const s = document.getElementById('saved-status').getBoundingClientRect().top; \
                 const n = document.getElementById('display-name').getBoundingClientRect().top; \
                 return s < n;",
            )
            .await?;
        ensure!(
            order == json!(true),
            "the saved status is not at the top of the editor"
        );
        let bar = p
            .js("return document.querySelector('.save-bar')?.textContent ?? '';")
            .await?;
        ensure!(
            !bar.as_str().unwrap_or_default().contains("Saved"),
            "the save bar says it again: {bar}"
        );
        let focus = focused_id(&p).await?;
        ensure!(
            focus == "saved-status" || focus == "save",
            "the focus went to #{focus}"
        );
        p.screenshot("saved").await?;
        // The header's "Editing …" line: the ID copies without invisible bidi marks.
        let editing = p
            .js("return document.querySelector('header .editing')?.textContent ?? '';")
            .await?;
        let editing = editing.as_str().unwrap_or_default();
        ensure!(
            editing == format!("Editing “Sales” ({})", before.id),
            "the header says {editing:?} (bidi marks are not allowed)"
        );

        p.click_link("View in Activity").await?;
        let rows = p
            .row_texts_where("Saves and attempts", "list the save", |r| r.len() == 1)
            .await?;
        ensure!(
            rows[0].contains("Added 1 · Removed 0") && !rows[0].contains("PUT"),
            "the activity row does not say the change in words: {rows:?}"
        );
        p.link("Sales").await?;
        Ok(())
    })
    .await
}

/// A Connect to another server while a group is open closes that group: its members, version
/// and changes were read from the first server, and a Save would have sent them to the second
/// (the editor stayed open after "Change connection"). Its unsaved change stays kept in the tab
/// and is offered back when the group is opened on its own server again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connecting_to_another_server_closes_the_open_group() -> Result<()> {
    let options = Options::default().connect_src("http://127.0.0.1:*");
    run_with("other-server", options, |mut panels| async move {
        let p = panels.remove(0);
        p.connect().await?;
        let sales = load_group(&p, "Sales").await?;
        p.fill("Display name", "Sales EMEA").await?;
        p.wait_enabled("Save", true).await?;

        let panel_origin = p.url.trim_end_matches('/').to_owned();
        let key = procs::random_key();
        let other = Sandbox::start_with(&key, &["--cors-origin".to_owned(), panel_origin]).await?;
        p.click("Change connection").await?;
        p.fill("SCIM base URL", &other.api_base()).await?;
        p.fill("API key", &key).await?;
        p.click("Connect").await?;
        p.status_where("the open group closed", |s| {
            s.contains("so it was closed") && s.contains("unsaved changes are kept")
        })
        .await?;
        ensure!(
            !p.is_shown("textbox", "input", "Display name").await?,
            "the group read from the first server is still open for editing"
        );
        let hash = p.js("return location.hash;").await?;
        ensure!(hash == json!("#/groups"), "not on Groups: {hash}");
        p.textbox("Group ID").await?;
        // The second server (seeded alike) has a group of the same ID: it is another group, and
        // the first one's kept change is neither marked nor offered there.
        p.rows_where("Groups", "list the second server's groups", |rows| {
            rows.iter().any(|r| r.contains(&sales.id))
        })
        .await?;
        let rows = p.row_texts("Groups").await?;
        ensure!(
            rows.iter().all(|r| !r.contains("Unsaved")),
            "the first server's draft is marked on the second's list: {rows:?}"
        );
        p.screenshot("other-server-closed").await?;
        p.to_groups_screen().await?;
        p.fill("Group ID", &sales.id).await?;
        p.click("Load group").await?;
        p.status_where("the second server's Sales loaded", |s| {
            s.contains("Loaded “Sales”")
        })
        .await?;
        p.settle().await?;
        ensure!(
            !p.is_shown("region", "section, [role=region]", "Unsaved changes")
                .await?,
            "the first server's draft is offered on the second server's group"
        );

        // Back on the first server, the group offers its change again; nothing was written.
        p.connect().await?;
        load_group(&p, "Sales").await?;
        p.region("Unsaved changes").await?;
        let now = p.api.group(&sales.id).await?;
        ensure!(
            now.display_name == "Sales" && now.members.len() == sales.members.len(),
            "the first server's group changed: {now:?}"
        );
        Ok(())
    })
    .await
}
