//! End-to-end, keyboard only: once the page is open, every step is a key press (Tab,
//! Shift+Tab, Enter, Escape, typed text), as for an admin who does not use a mouse. Connect,
//! open a group by its ID, find a user and add them, remove a member, save through the review;
//! the server gets exactly that change. On the way: focus moves into the review and the bulk
//! add panel when they open and back to the button that opened them when Escape closes them,
//! the focused element always shows a focus indicator, and the tab's title names the screen.
use anyhow::{bail, ensure, Context, Result};
use e2e_harness::{a11y, members_text, run, run_with, Options, Panel};
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;

const TITLE: &str = " — Omni group membership";
/// Tab presses allowed to reach a control: the seeded Engineering group has about a hundred
/// members, each with a Remove button on the way to Save.
const MAX_TABS: usize = 250;

/// Types `text` into whatever has the focus.
async fn type_text(p: &Panel, text: &str) -> Result<()> {
    p.press_keys(&text.chars().collect::<Vec<_>>()).await
}

/// Shift+Tab.
async fn back_tab(p: &Panel) -> Result<()> {
    let (shift, tab) = (char::from(Key::Shift), char::from(Key::Tab));
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: shift })
        .then(KeyAction::Down { value: tab })
        .then(KeyAction::Up { value: tab })
        .then(KeyAction::Up { value: shift });
    p.client
        .perform_actions(actions)
        .await
        .context("pressing Shift+Tab")
}

/// What has the focus, as a screen reader names it: `role "name"` (Chromium's computed role
/// and accessible name), e.g. `button "Save"`, so a failure says where the focus went.
async fn focused(p: &Panel) -> Result<String> {
    let el = p
        .client
        .active_element()
        .await
        .context("the focused element")?;
    let role = a11y::role(&p.client, &el).await?;
    let name = a11y::name(&p.client, &el).await?;
    let role = if role.is_empty() {
        el.tag_name().await.unwrap_or_default()
    } else {
        role
    };
    Ok(format!("{role} {name:?}"))
}

/// Waits until the focus is on the element `role "name"` (focus moved by the panel lands a
/// frame after the key press).
async fn wait_focus(p: &Panel, role: &str, name: &str) -> Result<()> {
    let want = format!("{role} {name:?}");
    let want = want.as_str();
    e2e_harness::eventually(&format!("the focus on {want}"), || async move {
        let now = focused(p).await.map_err(|e| e.to_string())?;
        if now == want {
            Ok(())
        } else {
            Err(format!("focus on {now}"))
        }
    })
    .await
}

/// Presses Tab (or Shift+Tab when `back`) until the focus is on a control whose
/// `role "name"` satisfies `ok`; fails with the way the focus went.
async fn tab_until(p: &Panel, what: &str, back: bool, ok: impl Fn(&str) -> bool) -> Result<String> {
    let mut trail = Vec::new();
    for _ in 0..MAX_TABS {
        if back {
            back_tab(p).await?;
        } else {
            p.press(Key::Tab).await?;
        }
        let now = focused(p).await?;
        if ok(&now) {
            return Ok(now);
        }
        trail.push(now);
    }
    bail!(
        "{what} not reached in {MAX_TABS} {}; the focus went: {}",
        if back { "Shift+Tabs" } else { "Tabs" },
        trail.join(" → ")
    )
}

/// Whether the focus is inside the member grid.
async fn in_grid(p: &Panel) -> Result<bool> {
    Ok(
        p.js("return !!(document.activeElement && document.activeElement.closest('[role=grid]'));")
            .await?
            == serde_json::Value::Bool(true),
    )
}

/// Presses Tab until the focus is in the member grid (its one tab stop); returns the Tabs.
async fn tab_into_grid(p: &Panel) -> Result<usize> {
    for n in 1..=MAX_TABS {
        p.press(Key::Tab).await?;
        if in_grid(p).await? {
            return Ok(n);
        }
    }
    bail!("the member grid not reached in {MAX_TABS} Tabs")
}

/// Ctrl+`key` (Ctrl+Home, Ctrl+End in the member grid).
async fn ctrl(p: &Panel, key: Key) -> Result<()> {
    let (ctrl, key) = (char::from(Key::Control), char::from(key));
    let actions = KeyActions::new("keyboard".to_owned())
        .then(KeyAction::Down { value: ctrl })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up { value: ctrl });
    p.client
        .perform_actions(actions)
        .await
        .context("pressing Ctrl with a key")
}

/// From anywhere in the member grid to the first row's Remove button (Ctrl+Home, End).
async fn first_remove(p: &Panel, label: &str) -> Result<()> {
    ctrl(p, Key::Home).await?;
    p.press(Key::End).await?;
    wait_focus(p, "button", &format!("Remove {label}")).await
}

/// Tabs to `role "name"`; no key at all when the panel already put the focus there.
async fn tab_to(p: &Panel, role: &str, name: &str) -> Result<()> {
    let want = format!("{role} {name:?}");
    if focused(p).await? == want {
        return Ok(());
    }
    tab_until(p, &want, false, |f| f == want).await.map(|_| ())
}

async fn back_tab_to(p: &Panel, role: &str, name: &str) -> Result<()> {
    let want = format!("{role} {name:?}");
    if focused(p).await? == want {
        return Ok(());
    }
    tab_until(p, &want, true, |f| f == want).await.map(|_| ())
}

/// The focused element shows a focus indicator: an outline or a box shadow, as computed.
async fn focus_is_visible(p: &Panel, at: &str) -> Result<()> {
    let v = p
        .js(
            "const a = document.activeElement; const s = getComputedStyle(a);
             return [s.outlineStyle, s.outlineWidth, s.boxShadow];",
        )
        .await?;
    let (style, width, shadow) = (
        v[0].as_str().unwrap_or_default(),
        v[1].as_str().unwrap_or_default(),
        v[2].as_str().unwrap_or_default(),
    );
    let outline = style != "none" && width != "0px";
    ensure!(
        outline || shadow != "none",
        "{at}: no visible focus on {} (outline {style} {width}, box-shadow {shadow})",
        focused(p).await?
    );
    Ok(())
}

async fn wait_title(p: &Panel, screen: &str) -> Result<()> {
    let want = format!("{screen}{TITLE}");
    let want = want.as_str();
    e2e_harness::eventually(&format!("the title {want:?}"), || async move {
        let t = p.client.title().await.map_err(|e| e.to_string())?;
        // Names in the title are bidi isolates (FSI … PDI), invisible when shown.
        if t.replace(['\u{2068}', '\u{2069}'], "") == want {
            Ok(())
        } else {
            Err(format!("title {t:?}"))
        }
    })
    .await
}

/// Find user's `aria-expanded` and the name of its active option (`aria-activedescendant`).
async fn combobox_state(p: &Panel) -> Result<(String, Option<String>)> {
    let field = p.textbox("Find user").await?;
    let open = field.attr("aria-expanded").await?.unwrap_or_default();
    let active = match field.attr("aria-activedescendant").await? {
        Some(id) if !id.is_empty() => {
            let option = p.client.find(fantoccini::Locator::Id(&id)).await?;
            Some(a11y::name(&p.client, &option).await?)
        }
        _ => None,
    };
    Ok((open, active))
}

async fn expanded(p: &Panel, button: &str) -> Result<Option<String>> {
    Ok(p.button(button).await?.attr("aria-expanded").await?)
}

/// Connects by keyboard from a page just opened: Tab to the base URL, type it, Tab to the key,
/// type it, Enter.
async fn connect(p: &Panel) -> Result<()> {
    wait_title(p, "Connect").await?;
    tab_to(p, "textbox", "SCIM base URL").await?;
    focus_is_visible(p, "the base URL field").await?;
    type_text(p, "/api/scim/v2").await?;
    tab_until(p, "the API key field", false, |f| {
        f.ends_with("\"API key\"")
    })
    .await?;
    type_text(p, &p.key).await?;
    p.press(Key::Enter).await?;
    p.status_where("Connected", e2e_harness::is_connected)
        .await?;
    wait_title(p, "Groups").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_only_connect_find_add_remove_and_save() -> Result<()> {
    run("keyboard-only", |p| async move {
        // Set up past the panel: the group and a user outside it, from the server.
        let id = p.api.group_id_by_name("Engineering").await?;
        let before: e2e_harness::Group = p.api.group(&id).await?;
        ensure!(
            before.members.len() >= 2,
            "Engineering needs 2 members: {}",
            members_text(&before.members)
        );
        let users = p.api.all_users().await?;
        let names = |u: &e2e_harness::api::User| u.display_name.clone().unwrap_or_default();
        let newcomer = users
            .iter()
            .filter(|u| before.members.iter().all(|m| m.value != u.id))
            .find(|u| {
                let n = names(u);
                !n.is_empty()
                    && n.is_ascii()
                    && users.iter().filter(|o| names(o).contains(&n)).count() == 1
            })
            .context("no user outside Engineering with a name of their own")?
            .clone();
        let newcomer_name = names(&newcomer);
        let removed = before.members[0].clone();

        // The page is open: a favicon the policy allows, and a title that says "connect".
        let icon = p
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const l = document.querySelector('link[rel=icon]');
                 if (!l) { done('no <link rel=icon>'); return; }
                 const i = new Image(); i.onload = () => done(i.naturalWidth > 0 ? 'ok' : 'empty');
                 i.onerror = () => done('failed to load ' + l.href); i.src = l.href;",
                Vec::new(),
            )
            .await?;
        ensure!(icon == "ok", "favicon: {icon}");
        connect(&p).await?;

        // Connect lands on Groups with the focus on Group ID. The Activity link, back up the
        // page, then Groups again and down to the Group ID.
        wait_focus(&p, "textbox", "Group ID").await?;
        back_tab_to(&p, "link", "Activity").await?;
        focus_is_visible(&p, "the Activity link").await?;
        p.press(Key::Enter).await?;
        wait_title(&p, "Activity").await?;
        back_tab_to(&p, "link", "Groups").await?;
        p.press(Key::Enter).await?;
        wait_title(&p, "Groups").await?;
        tab_to(&p, "textbox", "Group ID").await?;
        type_text(&p, &id).await?;
        tab_to(&p, "button", "Load group").await?;
        p.press(Key::Enter).await?;
        let loaded = format!(
            "Loaded “Engineering” with {} members.",
            before.members.len()
        );
        p.status_where(&format!("{loaded:?}"), |s| s.contains(&loaded))
            .await?;
        wait_title(&p, "“Engineering”").await?;
        // The opened group takes the focus: its editor's heading.
        wait_focus(&p, "heading", "Edit group").await?;

        // Find user, a combobox: type the name, and its match is listed. Escape closes the
        // list and keeps the text; a second Escape clears it. Typed again, Down makes the match
        // active and Enter adds it; the focus stays in the field.
        tab_to(&p, "combobox", "Find user").await?;
        type_text(&p, &newcomer_name).await?;
        p.status_where("matching users", |s| s.contains("matching user"))
            .await?;
        ensure!(
            combobox_state(&p).await? == ("true".to_owned(), None),
            "Find user with matches: {:?}",
            combobox_state(&p).await?
        );
        p.press(Key::Escape).await?;
        ensure!(
            combobox_state(&p).await? == ("false".to_owned(), None),
            "the list still open after Escape: {:?}",
            combobox_state(&p).await?
        );
        ensure!(
            p.value("Find user").await? == newcomer_name,
            "the first Escape changed the text"
        );
        p.press(Key::Escape).await?;
        ensure!(
            p.value("Find user").await?.is_empty(),
            "the second Escape kept the text"
        );
        type_text(&p, &newcomer_name).await?;
        p.status_where("matching users", |s| s.contains("matching user"))
            .await?;
        // Down to the newcomer's option ("Name email", not "Name-Longer …"): the first, unless
        // another user's name or email holds the same words.
        let mut trail = Vec::new();
        loop {
            p.press(Key::Down).await?;
            let (open, active) = combobox_state(&p).await?;
            ensure!(open == "true", "Down left the list closed");
            let active = active.context("Down made no option active")?;
            if active.starts_with(&format!("{newcomer_name} ")) {
                break;
            }
            ensure!(
                trail.len() < 8 && !trail.contains(&active),
                "Down never reached {newcomer_name:?}: {trail:?}"
            );
            trail.push(active);
        }
        focus_is_visible(&p, "Find user with an active option").await?;
        p.press(Key::Enter).await?;
        p.status_where("the user added", |s| {
            s.contains(&format!("Added {newcomer_name}"))
        })
        .await?;
        wait_focus(&p, "combobox", "Find user").await?;

        // Bulk add opens into its text area; Escape closes it and returns to its button.
        tab_to(&p, "button", "Bulk add").await?;
        p.press(Key::Enter).await?;
        wait_focus(&p, "textbox", "Emails to add").await?;
        focus_is_visible(&p, "the bulk add text area").await?;
        ensure!(
            expanded(&p, "Bulk add").await?.as_deref() == Some("true"),
            "Bulk add is not expanded while open"
        );
        p.press(Key::Escape).await?;
        wait_focus(&p, "button", "Bulk add").await?;
        ensure!(
            expanded(&p, "Bulk add").await?.as_deref() == Some("false"),
            "Bulk add still expanded after Escape"
        );
        ensure!(
            !p.visible_text().await?.contains("Emails to add"),
            "the bulk add panel is still on screen after Escape"
        );

        // Remove a member: Tab into the member grid, to its row's Remove button, Enter.
        tab_into_grid(&p).await?;
        focus_is_visible(&p, "the member grid's cell").await?;
        first_remove(&p, removed.label()).await?;
        focus_is_visible(&p, "a Remove button").await?;
        p.press(Key::Enter).await?;
        let gone = removed.label().to_owned();
        p.rows_where("Members", "mark the removed member", |rows| {
            rows.iter()
                .any(|r| r.contains(&gone) && r.contains("Removed"))
        })
        .await?;
        p.screenshot("edited").await?;

        // Save opens the review with the focus on its heading; Escape goes back to Save.
        tab_to(&p, "button", "Save").await?;
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", "Review changes").await?;
        focus_is_visible(&p, "the review's heading").await?;
        wait_title(&p, "Review changes").await?;
        p.screenshot("review").await?;
        p.press(Key::Escape).await?;
        wait_focus(&p, "button", "Save").await?;
        focus_is_visible(&p, "Save, after the review closed").await?;
        wait_title(&p, "“Engineering”").await?;
        p.settle().await?;
        ensure!(
            !p.has_region("Review changes").await?,
            "the review is still open after Escape"
        );

        // Again, through to Confirm save.
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", "Review changes").await?;
        let review = p.region("Review changes").await?;
        let text = p
            .wait_text_in(&review, "the review's counts", |t| {
                t.contains("Members unchanged:")
            })
            .await?;
        let kept = before.members.len() - 1;
        ensure!(
            e2e_harness::counts(&text) == (Some(1), Some(1), Some(kept)),
            "review: {text}"
        );
        tab_to(&p, "button", "Confirm save").await?;
        p.press(Key::Enter).await?;
        let saved = format!("Saved “Engineering”: {} members.", before.members.len());
        p.status_where(&format!("{saved:?}"), |s| s.contains(&saved))
            .await?;
        // The focus is on what the save did, at the top of the editor (in view here).
        wait_focus(&p, "status", "").await?;
        let on = p.js("return document.activeElement.id;").await?;
        ensure!(on == "saved-status", "the focus is on #{on}");
        wait_title(&p, "“Engineering”").await?;
        p.screenshot("saved").await?;

        // The server has exactly that change: one added, one removed, the rest and the name kept.
        let after = p.api.group(&id).await?;
        let mut want: Vec<&str> = before.members[1..]
            .iter()
            .map(|m| m.value.as_str())
            .collect();
        want.push(&newcomer.id);
        want.sort_unstable();
        let mut got: Vec<&str> = after.members.iter().map(|m| m.value.as_str()).collect();
        got.sort_unstable();
        ensure!(
            got == want && after.display_name == "Engineering",
            "the server has {:?} with {}",
            after.display_name,
            members_text(&after.members)
        );
        ensure!(
            p.alerts().await?.is_empty(),
            "alerts: {:?}",
            p.alerts().await?
        );
        Ok(())
    })
    .await
}

/// The groups list by keyboard: Next and Previous keep the focus on the paging buttons as the
/// page is drawn anew (on the other one when the pressed one is now disabled), and a group's
/// link opens it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_pages_the_groups_list_and_opens_a_group() -> Result<()> {
    // 8 seeded groups and 30 more: two pages of 25.
    let options = Options::default().args(&["--extra-groups", "30"]);
    run_with("keyboard-paging", options, |mut ps| async move {
        let p = ps.remove(0);
        connect(&p).await?;
        p.wait_text("Groups 1–25 of 38").await?;
        tab_to(&p, "button", "Next").await?;
        p.press(Key::Enter).await?;
        p.wait_text("Groups 26–38 of 38").await?;
        // Next is disabled on the last page: the focus is on Previous.
        wait_focus(&p, "button", "Previous").await?;
        focus_is_visible(&p, "Previous, after paging").await?;
        p.press(Key::Enter).await?;
        p.wait_text("Groups 1–25 of 38").await?;
        wait_focus(&p, "button", "Next").await?;

        back_tab_to(&p, "link", "Engineering").await?;
        focus_is_visible(&p, "a group's link").await?;
        p.press(Key::Enter).await?;
        p.status_where("Engineering loaded", |s| s.contains("Loaded “Engineering”"))
            .await?;
        wait_title(&p, "“Engineering”").await?;
        Ok(())
    })
    .await
}

/// Someone else removes `user` from group `id`, past the panel (a SCIM PATCH).
async fn someone_else_removes(p: &Panel, id: &str, user: &str) -> Result<()> {
    let body = serde_json::json!({
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{ "op": "remove", "path": format!("members[value eq \"{user}\"]") }],
    });
    let (status, _) = p
        .api
        .send("PATCH", &format!("/groups/{id}"), Some(body))
        .await?;
    ensure!(
        (200..300).contains(&status),
        "the other admin's PATCH answered {status}"
    );
    Ok(())
}

/// The conflict view by keyboard: it opens with the focus on its heading; Escape goes back to
/// the editor (changes kept, focus on Save); "Apply my changes on top" opens the review, whose
/// Escape returns to Save too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_through_a_conflict() -> Result<()> {
    run("keyboard-conflict", |p| async move {
        let id = p.api.group_id_by_name("Sales").await?;
        let before: e2e_harness::Group = p.api.group(&id).await?;
        ensure!(before.members.len() >= 2, "Sales needs 2 members");
        let (mine, theirs) = (before.members[0].clone(), before.members[1].clone());
        connect(&p).await?;
        tab_to(&p, "textbox", "Group ID").await?;
        type_text(&p, &id).await?;
        p.press(Key::Enter).await?;
        p.status_where("Sales loaded", |s| s.contains("Loaded “Sales”"))
            .await?;

        tab_into_grid(&p).await?;
        first_remove(&p, mine.label()).await?;
        p.press(Key::Enter).await?;
        someone_else_removes(&p, &id, &theirs.value).await?;

        tab_to(&p, "button", "Save").await?;
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", "Review changes").await?;
        tab_to(&p, "button", "Confirm save").await?;
        p.press(Key::Enter).await?;
        let heading = "The group changed on the server since you loaded it";
        wait_focus(&p, "heading", heading).await?;
        focus_is_visible(&p, "the conflict's heading").await?;
        wait_title(&p, "Group changed on the server").await?;
        p.screenshot("conflict").await?;

        p.press(Key::Escape).await?;
        wait_focus(&p, "button", "Save").await?;
        p.status_where("nothing saved", |s| s.contains("Nothing was saved"))
            .await?;
        wait_title(&p, "“Sales”").await?;

        // Again: this time through "Apply my changes on top", into the review.
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", "Review changes").await?;
        tab_to(&p, "button", "Confirm save").await?;
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", heading).await?;
        tab_to(&p, "button", "Apply my changes on top").await?;
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", "Review changes").await?;
        wait_title(&p, "Review changes").await?;
        p.press(Key::Escape).await?;
        wait_focus(&p, "button", "Save").await?;

        // Nothing was saved by the panel: the server has only the other admin's change.
        let after = p.api.group(&id).await?;
        ensure!(
            after.members.len() == before.members.len() - 1
                && after.members.iter().all(|m| m.value != theirs.value),
            "the server has {}",
            members_text(&after.members)
        );
        Ok(())
    })
    .await
}

/// The typed-name step of the review by keyboard: removing a quarter of a group asks for its
/// name; a typo is flagged on the field (aria-invalid, described by the message) and keeps
/// Confirm save disabled; Escape in that field leaves the review for Save, nothing sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_typed_name_confirmation() -> Result<()> {
    run("keyboard-typed-name", |p| async move {
        const GROUP: &str = "Blob SEs";
        const FIELD: &str = "Type the group name to confirm";
        let id = p.api.group_id_by_name(GROUP).await?;
        let before: e2e_harness::Group = p.api.group(&id).await?;
        let n = before.members.len();
        ensure!(
            (4..=12).contains(&n),
            "{GROUP} has {n} members; 3 must be a quarter or more"
        );
        connect(&p).await?;
        tab_to(&p, "textbox", "Group ID").await?;
        type_text(&p, &id).await?;
        p.press(Key::Enter).await?;
        p.status_where("the group loaded", |s| {
            s.contains(&format!("Loaded “{GROUP}”"))
        })
        .await?;

        // Enter on the first row's Remove, then Down and Enter twice: three rows removed (they
        // stay, struck through, with Undo in Remove's place).
        tab_into_grid(&p).await?;
        first_remove(&p, before.members[0].label()).await?;
        for (k, m) in before.members[..3].iter().enumerate() {
            if k > 0 {
                p.press(Key::Down).await?;
            }
            wait_focus(&p, "button", &format!("Remove {}", m.label())).await?;
            p.press(Key::Enter).await?;
            wait_focus(&p, "button", &format!("Undo removing {}", m.label())).await?;
        }
        p.rows_where("Members", "show three members removed", |rows| {
            rows.len() == n && rows.iter().filter(|r| r.contains("Removed")).count() == 3
        })
        .await?;

        tab_to(&p, "button", "Save").await?;
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", "Review changes").await?;
        tab_to(&p, "textbox", FIELD).await?;
        type_text(&p, "Blob SEx").await?;
        p.field_error(FIELD, "not the group's name").await?;
        p.wait_enabled("Confirm save", false).await?;
        p.press(Key::Backspace).await?;
        type_text(&p, "s").await?;
        p.wait_enabled("Confirm save", true).await?;
        let invalid = p.textbox(FIELD).await?.attr("aria-invalid").await?;
        ensure!(
            invalid.as_deref() == Some("false"),
            "aria-invalid {invalid:?} on the right name"
        );

        p.press(Key::Escape).await?;
        wait_focus(&p, "button", "Save").await?;
        let after = p.api.group(&id).await?;
        ensure!(
            after.members.len() == n,
            "the server has {}",
            members_text(&after.members)
        );
        Ok(())
    })
    .await
}

/// Issue 12: every member's Remove button was a tab stop: 37 Tabs from "Display name" to Save
/// in a 27-member group (10 + one per member). Now the member list is one WAI-ARIA grid with
/// one tab stop (a roving tabindex): the Tabs from the name to Save do not grow with the group,
/// and inside the grid the arrow keys, Home/End, Ctrl+Home/End and PageDown move, Space ticks
/// a row and Delete removes it; Tab leaves the grid and Shift+Tab comes back to the same cell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keyboard_member_list_is_one_tab_stop() -> Result<()> {
    run("keyboard-grid", |p| async move {
        // The seeded group nearest 27 members (the review's walk), with 16 at least.
        let g = p
            .api
            .all_groups()
            .await?
            .into_iter()
            .filter(|g| g.members.len() >= 16)
            .min_by_key(|g| g.members.len().abs_diff(27))
            .context("no seeded group with 16+ members")?;
        let n = g.members.len();
        let label = |k: usize| g.members[k].label().to_owned();
        connect(&p).await?;
        tab_to(&p, "textbox", "Group ID").await?;
        type_text(&p, &g.id).await?;
        p.press(Key::Enter).await?;
        let loaded = format!("Loaded “{}”", g.display_name);
        p.status_where("the group loaded", |s| s.contains(&loaded))
            .await?;

        // Tabs from Display name to Save: the grid is one stop.
        p.textbox("Display name").await?.click().await?;
        let (mut tabs, mut grid_stops, mut trail) = (0, 0, Vec::new());
        loop {
            p.press(Key::Tab).await?;
            tabs += 1;
            let now = focused(&p).await?;
            if now == "button \"Save\"" {
                break;
            }
            grid_stops += usize::from(in_grid(&p).await?);
            trail.push(now);
            ensure!(tabs < MAX_TABS, "Save not reached: {}", trail.join(" → "));
        }
        eprintln!(
            "{tabs} Tabs from Display name to Save with {n} members (was {}): {}",
            n + 10,
            trail.join(" → ")
        );
        ensure!(
            // 12, issue 13's "Copy members from" and "Export members", and issue 14's
            // "Download snapshot" and "Restore from file".
            grid_stops == 1 && tabs <= 16,
            "{tabs} Tabs from Display name to Save with {n} members, {grid_stops} in the grid: {}",
            trail.join(" → ")
        );

        // Back into the grid: its first row's name.
        back_tab(&p).await?;
        while !in_grid(&p).await? {
            back_tab(&p).await?;
            tabs -= 1;
            ensure!(tabs > 0, "the grid not reached by Shift+Tab");
        }
        wait_focus(&p, "gridcell", &label(0)).await?;
        p.press(Key::Down).await?;
        wait_focus(&p, "gridcell", &label(1)).await?;
        focus_is_visible(&p, "a grid cell").await?;
        p.screenshot("grid-focus").await?;
        p.press(Key::End).await?;
        wait_focus(&p, "button", &format!("Remove {}", label(1))).await?;
        p.press(Key::Left).await?;
        wait_focus(&p, "button", &format!("Copy ID of {}", label(1))).await?;
        p.press(Key::Home).await?;
        wait_focus(&p, "checkbox", &format!("Select {}", label(1))).await?;

        // Space ticks rows (on any cell), Delete removes one.
        p.press_keys(&[' ']).await?;
        p.press(Key::Down).await?;
        p.press(Key::Right).await?;
        wait_focus(&p, "gridcell", &label(2)).await?;
        p.press_keys(&[' ']).await?;
        p.button("Remove selected (2)").await?;
        let ticked = p
            .js("return Array.from(document.querySelectorAll('#member-rows input:checked')).length;")
            .await?;
        ensure!(ticked == 2, "{ticked} rows ticked after two Spaces");
        p.press(Key::PageDown).await?;
        let down = 12.min(n - 1);
        wait_focus(&p, "gridcell", &label(down)).await?;
        p.press(Key::Delete).await?;
        let gone = g.members[down].value.clone();
        p.rows_where("Members", "show the Delete", |r| {
            r.iter().any(|row| row.contains(&gone) && row.contains("Removed"))
        })
        .await?;
        ensure!(in_grid(&p).await?, "Delete took the focus out of the grid");
        p.screenshot("grid-removed").await?;

        // Ctrl+End and Ctrl+Home; Tab leaves, Shift+Tab returns to the same cell.
        ctrl(&p, Key::End).await?;
        wait_focus(&p, "button", &format!("Remove {}", label(n - 1))).await?;
        ctrl(&p, Key::Home).await?;
        wait_focus(&p, "checkbox", &format!("Select {}", label(0))).await?;
        p.press(Key::Tab).await?;
        ensure!(!in_grid(&p).await?, "Tab stayed in the grid");
        back_tab(&p).await?;
        wait_focus(&p, "checkbox", &format!("Select {}", label(0))).await?;

        // "Remove selected (2)" removes the two ticked rows.
        back_tab_to(&p, "button", "Remove selected (2)").await?;
        p.press(Key::Enter).await?;
        let (one, two) = (g.members[1].value.clone(), g.members[2].value.clone());
        p.rows_where("Members", "show three removed", |r| {
            r.len() == n
                && r.iter().filter(|row| row.contains("Removed")).count() == 3
                && [&one, &two]
                    .iter()
                    .all(|id| r.iter().any(|row| row.contains(id.as_str()) && row.contains("Removed")))
        })
        .await?;
        tab_to(&p, "button", "Save").await?;
        p.press(Key::Enter).await?;
        wait_focus(&p, "heading", "Review changes").await?;
        let review = p.region("Review changes").await?;
        let text = p
            .wait_text_in(&review, "the review's counts", |t| t.contains("Members unchanged:"))
            .await?;
        ensure!(
            e2e_harness::counts(&text) == (Some(0), Some(3), Some(n - 3)),
            "review: {text}"
        );
        Ok(())
    })
    .await
}

/// A group opened from the Groups list with Enter puts the focus on the editor's heading
/// ("Edit group"), not on the page's body: the next Tab goes into the editor.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opening_a_group_with_enter_focuses_the_editor() -> Result<()> {
    run("keyboard-open-focus", |p| async move {
        connect(&p).await?;
        tab_to(&p, "link", "Engineering").await?;
        p.press(Key::Enter).await?;
        p.status_where("Engineering loaded", |s| s.contains("Loaded “Engineering”"))
            .await?;
        wait_focus(&p, "heading", "Edit group").await?;
        // The Groups link stays marked as the current section while a group is open.
        let current = p.link("Groups").await?.attr("aria-current").await?;
        ensure!(
            current.as_deref() == Some("page"),
            "the Groups link is not current while editing: {current:?}"
        );
        tab_to(&p, "textbox", "Display name").await?;
        Ok(())
    })
    .await
}
