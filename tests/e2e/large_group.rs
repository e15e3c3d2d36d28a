//! End-to-end: a group of 5,000 members (sandbox `--group-size 5000`). The members table
//! renders a window of rows: it still says how many rows there are and where each one sits, the
//! filter finds a member far down the list, removing that member through the filtered row
//! reaches the review and the server, and the keyboard reaches the last row (Ctrl+End in the
//! member grid) and moves the window along as the arrow keys go from row to row.
use std::time::Duration;

use anyhow::{ensure, Context, Result};
use e2e_harness::{counts, run_with, Group, Options, Panel};
use fantoccini::key::Key;
use serde_json::Value;

const SIZE: usize = 5000;
const GROUP: &str = "Scale test";

/// The rendered data rows of the members table: (aria-rowindex, text), and its aria-rowcount.
async fn rendered(p: &Panel) -> Result<(usize, Vec<(usize, String)>)> {
    let table = p.table("Members").await?;
    let arg = serde_json::to_value(&table)?;
    let v = p
        .client
        .execute(
            &format!(
                "const t = arguments[0];
                 return [Number(t.getAttribute('aria-rowcount')),
                   Array.from(t.querySelectorAll('tbody tr'))
                     .map(r => [Number(r.getAttribute('aria-rowindex')), {}(r)])];",
                e2e_harness::ui::ROW_TEXT
            ),
            vec![arg],
        )
        .await
        .context("reading the rendered rows")?;
    let count = v[0].as_u64().unwrap_or(0) as usize;
    let rows = v[1]
        .as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| {
                    (
                        r[0].as_u64().unwrap_or(0) as usize,
                        e2e_harness::a11y::normalize(r[1].as_str().unwrap_or_default()),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Ok((count, rows))
}

/// What has the keyboard focus: (role-ish description, aria-rowindex of its row if any).
async fn focused(p: &Panel) -> Result<(String, Option<usize>)> {
    let v = p
        .js(
            "const a = document.activeElement; if (!a) return ['none', null];
             const row = a.closest('tr[aria-rowindex]');
             return [a.tagName.toLowerCase() + ':' + (a.getAttribute('aria-label') || ''),
                     row ? Number(row.getAttribute('aria-rowindex')) : null];",
        )
        .await?;
    Ok((
        v[0].as_str().unwrap_or_default().to_owned(),
        v[1].as_u64().map(|i| i as usize),
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_members_filter_remove_save_and_keyboard() -> Result<()> {
    let options = Options::default()
        .args(&["--group-size", &SIZE.to_string()])
        .timeout(Duration::from_secs(300));
    run_with("large-group", options, |panels| async move {
        let p = &panels[0];
        p.connect().await?;
        let id = p.api.group_id_by_name(GROUP).await?;
        let group: Group = p.api.group(&id).await?;
        ensure!(group.members.len() == SIZE, "the sandbox's {GROUP:?} has {} members", group.members.len());
        p.open_group(&id, GROUP, SIZE).await?;

        // A window of rows, which says how many there are and where each sits.
        let (count, rows) = rendered(p).await?;
        ensure!(count == SIZE + 1, "aria-rowcount {count}, expected {} (header included)", SIZE + 1);
        ensure!(
            !rows.is_empty() && rows.len() <= 100,
            "{} rows rendered for {SIZE} members",
            rows.len()
        );
        for (k, (index, text)) in rows.iter().enumerate() {
            let m = &group.members[k];
            ensure!(
                *index == k + 2 && text.contains(&m.value),
                "row {k} has aria-rowindex {index} and text {text:?}, expected {} and {}",
                k + 2,
                m.value
            );
        }
        p.screenshot("loaded").await?;

        // The filter finds a member far down the list, by email.
        let deep = group.members[4321].clone();
        let email = deep.label().to_owned();
        let lower = email.to_lowercase();
        let expected = group
            .members
            .iter()
            .filter(|m| m.label().to_lowercase().contains(&lower) || m.value.to_lowercase().contains(&lower))
            .count();
        p.fill("Filter members", &email).await?;
        let want = format!("Showing {expected} of 5,000 member");
        p.status_where(&format!("{want:?}"), |s| s.contains(&want)).await?;
        let rows = p
            .row_texts_where("Members", "show the member found", |r| {
                r.len() == expected && r.iter().any(|row| row.contains(&deep.value))
            })
            .await?;
        ensure!(rows.len() == expected, "filtered rows: {rows:?}");
        p.screenshot("filtered").await?;

        // Removed through the filtered row.
        p.click(&format!("Remove {email}")).await?;
        // The row stays, struck through, until saved.
        p.row_texts_where("Members", "show the member removed", |r| {
            r.iter()
                .any(|row| row.contains(&deep.value) && row.contains("Removed"))
        })
        .await?;
        let want = format!("Showing {expected} of 5,000 member");
        p.status_where(&format!("{want:?}"), |s| s.contains(&want)).await?;
        // The draft is kept as its change: a few hundred bytes, not two copies of 5,000 members
        // (at 50,000 those were more than a tab's session storage holds).
        let draft = e2e_harness::eventually("the draft in sessionStorage", || async {
            let stored = p.session_storage().await.map_err(|e| e.to_string())?;
            stored
                .into_iter()
                .find(|(k, _)| k.contains(&id))
                .map(|(_, v)| v)
                .ok_or_else(|| "no draft kept yet".to_owned())
        })
        .await?;
        ensure!(
            draft.contains(&deep.value) && draft.len() < 2_000,
            "the kept draft is {} characters: {}",
            draft.len(),
            draft.chars().take(300).collect::<String>()
        );
        p.fill("Filter members", "").await?;
        let (count, _) = rendered(p).await?;
        ensure!(
            count == SIZE + 1,
            "aria-rowcount {count} after removing one of {SIZE} (its row stays until saved)"
        );

        // The review shows −1, and the save reaches the server.
        p.wait_enabled("Save", true).await?;
        p.click("Save").await?;
        let review = p.region("Review changes").await?;
        let text = p
            .wait_text_in(&review, "the review's counts", |t| t.contains("Members unchanged:"))
            .await?;
        ensure!(
            counts(&text) == (Some(0), Some(1), Some(SIZE - 1)),
            "review: {text}"
        );
        p.click("Confirm save").await?;
        let want = format!("Saved “{GROUP}”: {} members.", SIZE - 1);
        p.status_where(&format!("{want:?}"), |s| s.contains(&want)).await?;
        let after = p.api.group(&id).await?;
        ensure!(
            after.members.len() == SIZE - 1 && after.members.iter().all(|m| m.value != deep.value),
            "the server has {} members{}",
            after.members.len(),
            if after.members.iter().any(|m| m.value == deep.value) { ", the removed one among them" } else { "" }
        );

        // The keyboard: Tab from the filter reaches the member grid (its one tab stop), and
        // Ctrl+End shows the last row with the focus on its last cell.
        let filter = p.textbox("Filter members").await?;
        p.reveal(&filter).await?;
        filter.click().await?;
        p.press(Key::Tab).await?;
        let (what, row) = focused(p).await?;
        ensure!(
            what.starts_with("td") && row == Some(2),
            "Tab from the filter went to {what} in row {row:?}, not the member grid's first row"
        );
        let ctrl_key = |key: Key| {
            use fantoccini::actions::{InputSource, KeyAction, KeyActions};
            let (ctrl, key) = (char::from(Key::Control), char::from(key));
            KeyActions::new("keyboard".to_owned())
                .then(KeyAction::Down { value: ctrl })
                .then(KeyAction::Down { value: key })
                .then(KeyAction::Up { value: key })
                .then(KeyAction::Up { value: ctrl })
        };
        p.client.perform_actions(ctrl_key(Key::End)).await?;
        let last = after.members.last().context("no members left")?;
        e2e_harness::eventually("the last row rendered and focused", || async {
            let (_, rows) = rendered(p).await.map_err(|e| e.to_string())?;
            let (what, row) = focused(p).await.map_err(|e| e.to_string())?;
            match rows.last() {
                Some((index, text))
                    if *index == SIZE && text.contains(&last.value) && row == Some(SIZE) =>
                {
                    Ok(())
                }
                other => Err(format!("last rendered row: {other:?}, focus on {what} in row {row:?}")),
            }
        })
        .await?;
        p.screenshot("end").await?;

        // Ctrl+Home, then Down from row to row past the first window: the focus goes to the
        // next row's name each time, the window following it.
        p.client.perform_actions(ctrl_key(Key::Home)).await?;
        e2e_harness::eventually("the first row rendered and focused", || async {
            let (_, rows) = rendered(p).await.map_err(|e| e.to_string())?;
            let (what, row) = focused(p).await.map_err(|e| e.to_string())?;
            match rows.first() {
                Some((2, _)) if row == Some(2) => Ok(()),
                other => Err(format!("first rendered row: {other:?}, focus on {what} in row {row:?}")),
            }
        })
        .await?;
        p.press(Key::Right).await?;
        for at in 2..72 {
            let (what, row) = focused(p).await?;
            ensure!(
                row == Some(at) && what.starts_with("td"),
                "expected the name of row {at} focused, found {what:?} in row {row:?}"
            );
            p.press(Key::Down).await?;
        }
        let (_, rows) = rendered(p).await?;
        ensure!(
            rows.first().is_some_and(|(i, _)| *i > 2),
            "the window did not move along with the focus: rows {:?}…",
            rows.first()
        );

        // Page Down moves the focus a page of rows at a time: it is not lost, it stays in the
        // member list.
        for _ in 0..5 {
            p.press(Key::PageDown).await?;
        }
        e2e_harness::eventually("the focus to stay in the member list", || async {
            let v = p
                .js("const b = document.getElementById('member-list'); return b.contains(document.activeElement);")
                .await
                .map_err(|e| e.to_string())?;
            if v == Value::Bool(true) {
                Ok(())
            } else {
                Err(format!("focus on {:?}", focused(p).await.map_err(|e| e.to_string())?))
            }
        })
        .await?;
        Ok(())
    })
    .await
}
