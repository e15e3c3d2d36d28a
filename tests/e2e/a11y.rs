//! Accessibility of every screen, checked by axe-core (WCAG 2.0–2.2, levels A and AA) inside
//! the real panel in Chromium, against the sandbox: connect, a field error, a refused key, a
//! base path that is not SCIM, the groups list, the connection reopened (Change connection),
//! the editor, a save said at its top, an unknown group, find user (its list open), bulk add, the review, a conflict (two admins), the
//! activity page, the restore banner, the review's typed-name step, a rate-limit countdown,
//! and People (find person, a person's groups). Each screen is scanned in the light and the dark
//! colour scheme at 1280 and 360 px wide and photographed as
//! target/screenshots/a11y-<screen>-<light|dark>-<360|1280>.png; the page must not scroll
//! sideways at those widths nor at 320 px (WCAG's reflow width); with prefers-reduced-motion
//! nothing may move.
//!
//! Needs, besides what every e2e module needs (tests/e2e/main.rs), axe-core in target/npm
//! (scripts/setup installs it).
use std::time::Duration;

use anyhow::{bail, ensure, Context, Result};
use e2e_harness::api::User;
use e2e_harness::{axe, run_with, Group, Options, Panel};
use fantoccini::key::Key;
use serde_json::Value;

const THEMES: [&str; 2] = ["light", "dark"];
/// (width, height): a desktop and the narrowest phone the layout must fit.
const SIZES: [(u32, u32); 2] = [(1280, 900), (360, 800)];

/// Scans the screen now shown in each theme and size, photographs it with `anchor` (a CSS
/// selector) scrolled to the top, and checks reduced motion. Leaves the browser as it was
/// (no emulation).
async fn screen(p: &Panel, name: &str, anchor: &str) -> Result<()> {
    for theme in THEMES {
        for (width, height) in SIZES {
            let what = format!("the {name} screen ({theme}, {width} px)");
            // The theme switches with reduced motion, so colours do not fade (CSS transitions)
            // while axe measures contrast; the scan and screenshot are without it.
            axe::emulate_media(&p.client, theme, true).await?;
            axe::set_viewport(&p.client, width, height).await?;
            show(p, anchor).await.with_context(|| what.clone())?;
            axe::emulate_media(&p.client, theme, false).await?;
            axe::check(&p.client, &what).await?;
            axe::check_no_sideways_scroll(&p.client, &what).await?;
            p.screenshot(&format!("{name}-{theme}-{width}")).await?;
        }
    }
    // WCAG 1.4.10 (reflow) is stated at 320 CSS px: no sideways scrolling there either.
    axe::set_viewport(&p.client, 320, 640).await?;
    show(p, anchor).await?;
    axe::check_no_sideways_scroll(&p.client, &format!("the {name} screen (320 px)")).await?;
    axe::emulate_media(&p.client, "light", true).await?;
    let moving = axe::moving(&p.client).await?;
    ensure!(
        moving.is_empty(),
        "the {name} screen still moves with prefers-reduced-motion: reduce: {moving:?}"
    );
    axe::reset(&p.client).await
}

/// Shows the top of the page, or, when the first element matching `anchor` is not in its upper
/// part, scrolls that element to the top; then waits two frames, so layout (and the members
/// table's row window) has caught up before a scan or screenshot.
async fn show(p: &Panel, anchor: &str) -> Result<()> {
    let found = p
        .client
        .execute(
            "const el = document.querySelector(arguments[0]);
             if (!el) return false;
             window.scrollTo(0, 0);
             if (el.getBoundingClientRect().top > innerHeight * 0.4) el.scrollIntoView({block: 'start'});
             return true;",
            vec![Value::String(anchor.to_owned())],
        )
        .await
        .with_context(|| format!("scrolling {anchor} into view"))?;
    if found != Value::Bool(true) {
        bail!("nothing on the page matches {anchor}");
    }
    p.settle().await
}

fn outsiders<'a>(users: &'a [User], group: &Group) -> Vec<&'a User> {
    users
        .iter()
        .filter(|u| group.members.iter().all(|m| m.value != u.id) && u.user_name.contains('@'))
        .collect()
}

async fn walk(a: Panel, b: Panel) -> Result<()> {
    // Motion: the check sees transitions when motion is allowed, so "nothing moves" under
    // prefers-reduced-motion is a real finding.
    let moving = axe::moving(&a.client).await?;
    ensure!(
        !moving.is_empty(),
        "nothing has a transition without prefers-reduced-motion: the motion check would see nothing"
    );

    // The scan finds what it should: an input without a label fails it.
    a.js("const i = document.createElement('input'); i.id = 'e2e-unlabelled'; document.querySelector('main').append(i);")
        .await?;
    match axe::check(&a.client, "a page with an unlabelled input").await {
        Err(e) if e.to_string().contains("#e2e-unlabelled") => {}
        Err(e) => return Err(e),
        Ok(()) => bail!("axe did not report an input without a label"),
    }
    a.js("document.getElementById('e2e-unlabelled').remove();")
        .await?;

    screen(&a, "connect", "#connect-heading").await?;

    // A required field left empty: the field's own error, and the alert.
    a.fill("SCIM base URL", "/api/scim/v2").await?;
    a.click("Connect").await?;
    a.field_error("API key", "enter the API key").await?;
    screen(&a, "field-error", "#connect-heading").await?;

    // A refused key: the error at the key field.
    a.connect_with(&format!("{}-wrong", a.key)).await?;
    a.field_error("API key", "API key was refused").await?;
    screen(&a, "error", "#api-key").await?;

    // A base path that answers with a web page: the error at the base URL field.
    a.fill("SCIM base URL", "/nope/v2").await?;
    a.fill("API key", &a.key).await?;
    a.click("Connect").await?;
    a.field_error("SCIM base URL", "web page (HTML)").await?;
    screen(&a, "wrong-path", "#base-url").await?;

    a.connect().await?;
    b.connect().await?;
    a.click_link("Groups").await?;
    a.row_texts_where("Groups", "list the seeded groups", |r| r.len() >= 3)
        .await?;
    screen(&a, "groups", "#groups-heading").await?;

    // The connection reopened from the top bar, over the Groups screen.
    a.click("Change connection").await?;
    a.heading("Change connection").await?;
    screen(&a, "change-connection", "#connect-heading").await?;
    a.click("Cancel").await?;

    let id = a.api.group_id_by_name("Engineering").await?;
    let group = a.api.group(&id).await?;
    let n = group.members.len();
    ensure!(n >= 2, "Engineering needs 2+ members, has {n}");
    a.open_group(&id, "Engineering", n).await?;
    b.open_group(&id, "Engineering", n).await?;
    screen(&a, "editor", "#editor-heading").await?;

    let users = a.api.all_users().await?;
    let outside = outsiders(&users, &group);
    ensure!(outside.len() >= 3, "too few users outside Engineering");

    // Find user with its list of matches open and one made active by the arrow keys.
    let found = outside[0];
    let shown = found.display_name.clone().unwrap_or_default();
    let first_name = shown
        .split_whitespace()
        .next()
        .unwrap_or_default()
        .to_owned();
    ensure!(!first_name.is_empty(), "{} has no display name", found.id);
    a.fill("Find user", &first_name).await?;
    let option = format!("{shown} {}", found.user_name);
    a.option(&option).await?;
    a.press(Key::Down).await?;
    let active = a
        .textbox("Find user")
        .await?
        .attr("aria-activedescendant")
        .await?;
    ensure!(active.is_some(), "Down made no option active");
    screen(&a, "find-user", "#find-user").await?;
    a.click_option(&option).await?;
    a.wait_text(&format!("Added {shown}. Not saved yet."))
        .await?;

    // Bulk add with a preview of every kind of line.
    a.click("Bulk add").await?;
    let text = format!(
        "{}\n{}\nnobody.here@blobsrus.co\nnot-an-email\n{}\n",
        outside[1].user_name,
        outside[2].user_name,
        outside[1].user_name.to_uppercase()
    );
    a.paste("Emails to add", &text).await?;
    a.click("Preview").await?;
    a.wait_text("Will be added").await?;
    screen(&a, "bulk-add", ".bulk-panel").await?;
    a.click("Cancel").await?;

    // B removes a member and saves, so A's save below meets a conflict.
    let gone = &group.members[0];
    b.click(&format!("Remove {}", gone.label())).await?;
    b.wait_enabled("Save", true).await?;
    b.click("Save").await?;
    b.click("Confirm save").await?;
    b.status_where("B's save", |s| s.contains("Saved")).await?;

    a.wait_enabled("Save", true).await?;
    a.click("Save").await?;
    a.heading("Review changes").await?;
    screen(&a, "review", "#review-heading").await?;

    a.click("Confirm save").await?;
    a.heading("The group changed on the server since you loaded it")
        .await?;
    screen(&a, "conflict", "#conflict-heading").await?;

    a.click("Apply my changes on top").await?;
    a.heading("Review changes").await?;
    a.click("Confirm save").await?;
    a.status_where("A's save", |s| s.contains("Saved")).await?;
    // What the save did, at the top of the editor.
    screen(&a, "saved", "#editor-heading").await?;

    a.click_link("Activity").await?;
    a.row_texts_where("Saves and attempts", "list A's two attempts", |r| {
        r.len() == 2
    })
    .await?;
    screen(&a, "activity", "#activity-heading").await?;

    // The restore banner: an unsaved rename kept across a reload.
    a.open_group(&id, "Engineering", n).await?;
    a.fill("Display name", "Engineering (renamed)").await?;
    e2e_harness::eventually("the draft in sessionStorage", || async {
        let stored = a.session_storage().await.map_err(|e| e.to_string())?;
        if stored
            .iter()
            .any(|(_, v)| v.contains("Engineering (renamed)"))
        {
            Ok(())
        } else {
            Err(format!("{} entries", stored.len()))
        }
    })
    .await?;
    a.reload().await?;
    a.connect().await?;
    a.open_group(&id, "Engineering", n).await?;
    a.region("Unsaved changes").await?;
    screen(&a, "restore", ".banner").await?;
    a.click("Discard changes").await?;

    // Removing a quarter of a group asks for its name: the review's typed-name step, with a
    // wrong name typed (the field's own error).
    let small = a
        .api
        .all_groups()
        .await?
        .into_iter()
        .filter(|g| g.members.len() >= 2)
        .min_by_key(|g| g.members.len())
        .context("no group with 2+ members")?;
    let k = small.members.len().div_ceil(4);
    a.open_group(&small.id, &small.display_name, small.members.len())
        .await?;
    for m in &small.members[..k] {
        a.click(&format!("Remove {}", m.label())).await?;
    }
    a.wait_enabled("Save", true).await?;
    a.click("Save").await?;
    a.heading("Review changes").await?;
    a.fill("Type the group name to confirm", "not the name")
        .await?;
    a.field_error("Type the group name to confirm", "not the group's name")
        .await?;
    screen(&a, "confirm-name", "#review-heading").await?;
    a.click("Back").await?;

    // A rate-limited read: the app-wide countdown with "Cancel waiting".
    a.control
        .set_faults(serde_json::json!({ "fail_status": 429, "retry_after": "50", "fail_method": "GET", "fail_path": "/groups" }))
        .await?;
    a.click_link("Groups").await?;
    a.status_where("the countdown", |s| s.contains("trying again in"))
        .await?;
    screen(&a, "rate-limited", "main").await?;
    a.control.clear_faults().await?;
    a.click("Cancel waiting").await?;

    // A link to a group the server does not have: the alert at the top, the ID to fix.
    a.js("location.hash = '#/groups/noSuchGroup42'; return true;")
        .await?;
    a.alert_containing("No group with ID").await?;
    screen(&a, "not-found", "main").await?;
    people_screens(&a).await
}

/// People (issue 13): Find person with its matches listed, and a person's groups.
async fn people_screens(a: &Panel) -> Result<()> {
    let groups = a.api.all_groups().await?;
    let member = groups
        .iter()
        .find_map(|g| g.members.first())
        .context("no seeded group has members")?
        .value
        .clone();
    a.click_link("People").await?;
    a.fill("Find person", "a").await?;
    a.options("Matching users").await?;
    screen(a, "find-person", "#people-heading").await?;
    a.js(&format!(
        "location.hash = '#/people/{member}'; return true;"
    ))
    .await?;
    a.wait_text("Groups of ").await?;
    screen(a, "person", "#person-heading").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_screen_passes_axe_in_both_themes_at_360_and_1280_px() -> Result<()> {
    let options = Options::default()
        .browsers(2)
        .timeout(Duration::from_secs(420));
    run_with("a11y", options, |mut ps| async move {
        let b = ps.remove(1);
        let a = ps.remove(0);
        walk(a, b).await
    })
    .await
}
