//! People (issue 13, the read side): "Find person" by name (without accents) and by an email
//! typed in another case, a person's page with exactly the groups the sandbox says they are
//! in, the URL surviving a reload, a second person costing no request, a save in the editor
//! reflected without a re-read, Refresh re-reading, an unknown user ID, and the whole path by
//! keyboard. Screenshots (target/screenshots/): people-find-person-{light,dark}-{1280,360}.png,
//! people-person-{light,dark}-{1280,360}.png, people-after-save.png, people-unknown.png.

use std::collections::BTreeMap;

use anyhow::{ensure, Context, Result};
use e2e_harness::api::{requests_text, Group, LoggedRequest, User};
use e2e_harness::{axe, run, run_with, Options, Panel};
use fantoccini::key::Key;

/// `(group name, member count)` of every group `user` is in, sorted by name.
fn groups_of(groups: &[Group], user: &str) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = groups
        .iter()
        .filter(|g| g.members.iter().any(|m| m.value == user))
        .map(|g| (g.display_name.clone(), g.members.len()))
        .collect();
    out.sort();
    out
}

/// The person's table shows exactly `want` (name and member count per row, in any order).
async fn table_shows(p: &Panel, name: &str, want: &[(String, usize)]) -> Result<()> {
    let caption = format!("Groups of {name}");
    // Each row ends in its "Remove" button.
    let mut want_rows: Vec<String> = want
        .iter()
        .map(|(g, n)| format!("{g} {n} Remove"))
        .collect();
    want_rows.sort();
    p.rows_where(&caption, "list exactly the person's groups", |rows| {
        let mut rows = rows.to_vec();
        rows.sort();
        rows == want_rows
    })
    .await
    .with_context(|| format!("want {want_rows:?}"))?;
    Ok(())
}

/// The requests of the log that read groups or users.
fn reads(log: &[LoggedRequest]) -> Vec<LoggedRequest> {
    log.iter()
        .filter(|r| r.method == "GET" && (r.path.contains("/groups") || r.path.contains("/users")))
        .cloned()
        .collect()
}

/// Pages of the groups list read (not Connect's one-group check).
fn list_reads(log: &[LoggedRequest]) -> usize {
    log.iter()
        .filter(|r| {
            r.method == "GET"
                && r.path.ends_with("/groups")
                && r.query.as_deref().is_some_and(|q| q.contains("startIndex"))
        })
        .count()
}

/// Two seeded people with unique display names, in at least one group each (the first in the
/// most groups), and every group.
async fn two_people(p: &Panel) -> Result<(User, User, Vec<Group>)> {
    let users = p.api.all_users().await?;
    let groups = p.api.all_groups().await?;
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for u in &users {
        *names
            .entry(u.display_name.clone().unwrap_or_default())
            .or_default() += 1;
    }
    let mut candidates: Vec<&User> = users
        .iter()
        .filter(|u| {
            let n = u.display_name.clone().unwrap_or_default();
            n.is_ascii() && !n.is_empty() && names.get(&n) == Some(&1) && u.user_name.contains('@')
        })
        .filter(|u| !groups_of(&groups, &u.id).is_empty())
        .collect();
    candidates.sort_by_key(|u| std::cmp::Reverse(groups_of(&groups, &u.id).len()));
    ensure!(candidates.len() >= 2, "the seed needs two people in groups");
    Ok((candidates[0].clone(), candidates[1].clone(), groups))
}

/// Screenshots of the screen at `anchor` (scrolled to the top), axe-checked, light and dark, at
/// 1280 and 360 px.
pub(crate) async fn photograph(p: &Panel, name: &str, anchor: &str) -> Result<()> {
    for theme in ["light", "dark"] {
        for (width, height) in [(1280, 900), (360, 800)] {
            axe::emulate_media(&p.client, theme, true).await?;
            axe::set_viewport(&p.client, width, height).await?;
            p.js(&format!("document.getElementById('{anchor}').scrollIntoView({{block: 'start'}}); return true;"))
                .await?;
            p.settle().await?;
            let what = format!("the {name} screen ({theme}, {width} px)");
            axe::check(&p.client, &what).await?;
            axe::check_no_sideways_scroll(&p.client, &what).await?;
            p.screenshot(&format!("{name}-{theme}-{width}")).await?;
        }
    }
    axe::reset(&p.client).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_s_groups_read_once_and_kept_up_to_date() -> Result<()> {
    run("people", |p| async move {
        p.connect().await?;
        let (first, second, groups) = two_people(&p).await?;
        let first_name = first.display_name.clone().unwrap_or_default();
        let second_name = second.display_name.clone().unwrap_or_default();

        // The top bar's People link, marked current on People.
        p.click_link("People").await?;
        let current = p
            .js("return document.querySelector('nav a[aria-current=page]')?.textContent ?? '';")
            .await?;
        ensure!(current == "People", "the current link is {current:?}");

        // Find by name in another case: a click on the match opens the person.
        p.fill("Find person", &first_name.to_uppercase()).await?;
        p.click_option(&format!("{first_name} {}", first.user_name))
            .await?;
        p.heading(&first_name).await?;
        let hash = p.js("return location.hash;").await?;
        ensure!(
            hash.as_str() == Some(&format!("#/people/{}", first.id)),
            "the URL is {hash}"
        );
        table_shows(&p, &first_name, &groups_of(&groups, &first.id)).await?;
        photograph(&p, "person", "person-heading").await?;

        // A reload keeps the page; the groups are read again (a new tab's session).
        p.reload().await?;
        p.heading(&first_name).await?;
        table_shows(&p, &first_name, &groups_of(&groups, &first.id)).await?;

        // A second person, by an email typed in another case, by keyboard alone: no request.
        p.control.clear_requests().await?;
        p.click_link("People").await?;
        photograph(&p, "find-person", "people-heading").await?;
        p.fill("Find person", &second.user_name.to_uppercase())
            .await?;
        p.press(Key::Down).await?;
        p.press(Key::Enter).await?;
        p.heading(&second_name).await?;
        table_shows(&p, &second_name, &groups_of(&groups, &second.id)).await?;
        let log = p.control.requests().await?;
        ensure!(
            reads(&log).is_empty(),
            "moving to a second person sent requests: {}",
            requests_text(&log)
        );

        // A save in the editor: the first person leaves one of their groups; their page says
        // so without reading the groups again.
        let left = groups
            .iter()
            .find(|g| g.members.iter().any(|m| m.value == first.id))
            .context("the first person has a group")?
            .clone();
        p.js(&format!(
            "location.hash = '#/groups/{}'; return true;",
            left.id
        ))
        .await?;
        let label = left
            .members
            .iter()
            .find(|m| m.value == first.id)
            .map(|m| m.label().to_owned())
            .unwrap_or_default();
        p.click(&format!("Remove {label}")).await?;
        p.click("Save").await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;
        let want = groups_of(&p.api.all_groups().await?, &first.id);
        ensure!(
            !want.iter().any(|(n, _)| *n == left.display_name),
            "the sandbox still has the person in {}",
            left.display_name
        );
        p.control.clear_requests().await?;
        p.js(&format!(
            "location.hash = '#/people/{}'; return true;",
            first.id
        ))
        .await?;
        p.heading(&first_name).await?;
        if want.is_empty() {
            p.wait_text("Not in any group.").await?;
        } else {
            table_shows(&p, &first_name, &want).await?;
        }
        p.screenshot("after-save").await?;
        let log = p.control.requests().await?;
        ensure!(
            reads(&log).is_empty(),
            "the person's page read again after a save: {}",
            requests_text(&log)
        );

        // Refresh reads the groups again.
        p.control.clear_requests().await?;
        p.click("Refresh").await?;
        p.wait_enabled("Refresh", true).await?;
        let log = p.control.requests().await?;
        ensure!(
            list_reads(&log) >= 1,
            "Refresh read nothing: {}",
            requests_text(&log)
        );

        // An ID no user has.
        p.js("location.hash = '#/people/no-such-user-42'; return true;")
            .await?;
        p.heading("Person not found").await?;
        p.link("Back to People").await?;
        p.screenshot("unknown").await?;
        Ok(())
    })
    .await
}

/// 258 groups (3 pages of 100): the person's page says "Reading groups: 1 of 3 pages" with a
/// `<progress>`, reads each page once, and a disconnect drops what was read (read again after
/// the next Connect).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_are_read_page_by_page_once_per_connection() -> Result<()> {
    let options = Options::default().args(&["--extra-groups", "250"]);
    run_with("people-pages", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        let (person, _, groups) = two_people(&p).await?;
        ensure!(groups.len() > 200, "the sandbox has {} groups", groups.len());
        let name = person.display_name.clone().unwrap_or_default();
        let want = groups_of(&groups, &person.id);

        p.control.clear_requests().await?;
        // Slow answers, so the progress between pages is seen.
        p.control
            .set_faults(serde_json::json!({ "latency_ms": 700 }))
            .await?;
        p.js(&format!("location.hash = '#/people/{}'; return true;", person.id))
            .await?;
        p.status_where("Reading groups: 1 of 3 pages", |s| {
            s.contains("Reading groups: 1 of 3 pages")
        })
        .await?;
        let bar = p
            .js("const b = document.querySelector('.reading progress'); return b ? [b.value, b.max] : null;")
            .await?;
        ensure!(bar == serde_json::json!([1, 3]), "the progress bar is {bar}");
        p.screenshot("reading").await?;
        p.control.clear_faults().await?;
        table_shows(&p, &name, &want).await?;
        let log = p.control.requests().await?;
        ensure!(
            list_reads(&log) == 3,
            "reading 258 groups took other than 3 list requests: {}",
            requests_text(&log)
        );

        // A disconnect drops the index: the next connection reads it again.
        p.click("Forget key").await?;
        p.control.clear_requests().await?;
        p.connect().await?;
        p.js(&format!("location.hash = '#/people/{}'; return true;", person.id))
            .await?;
        table_shows(&p, &name, &want).await?;
        let log = p.control.requests().await?;
        ensure!(
            list_reads(&log) == 3,
            "after a new connection the groups were not read again: {}",
            requests_text(&log)
        );
        Ok(())
    })
    .await
}

/// A server whose `userName eq` compares with case (rfc7644 mode, `--case-exact-user-names`):
/// an email typed as `Grace@Example.com` still finds `grace@example.com`, in Find user (it
/// said "No user matches" before) and in Find person, from the directory searched without case.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_in_another_case_is_found_where_the_server_filter_is_case_sensitive() -> Result<()>
{
    let options = Options::default().args(&["--mode", "rfc7644", "--case-exact-user-names"]);
    run_with("people-case", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        let groups = p.api.all_groups().await?;
        let group = groups
            .iter()
            .find(|g| g.display_name == "Engineering")
            .context("no Engineering group")?
            .clone();
        let users = p.api.all_users().await?;
        let outsider = users
            .iter()
            .find(|u| {
                u.user_name.contains('@')
                    && u.display_name.as_deref().is_some_and(str::is_ascii)
                    && group.members.iter().all(|m| m.value != u.id)
            })
            .context("nobody outside Engineering")?
            .clone();
        let name = outsider.display_name.clone().unwrap_or_default();
        let shouted = outsider.user_name.to_uppercase();

        // The server itself finds nobody for the email in capitals.
        let filter = e2e_harness::api::percent_encode(&format!("userName eq \"{shouted}\""));
        let (_, body) = p
            .api
            .send("GET", &format!("/users?filter={filter}"), None)
            .await?;
        let asked: serde_json::Value = serde_json::from_str(&body)?;
        ensure!(
            asked["totalResults"] == 0,
            "the sandbox's filter is not case-sensitive: {asked}"
        );

        // Find user: Enter on the email in capitals adds the person.
        p.open_group(&group.id, &group.display_name, group.members.len())
            .await?;
        p.fill("Find user", &shouted).await?;
        p.press_enter("Find user").await?;
        p.wait_text(&format!("Added {name}. Not saved yet."))
            .await?;

        // Find person, on a new connection (no directory listed yet): the same.
        p.click("Forget key").await?;
        p.connect().await?;
        p.click_link("People").await?;
        // Pasted: typed key by key, each prefix before the "@" asks the server (`co`) and
        // lists the directory when it finds nobody, which spends the request budget.
        p.paste("Find person", &shouted).await?;
        p.press_enter("Find person").await?;
        p.heading(&name).await?;
        Ok(())
    })
    .await
}

/// `scripts/bench` times a person's page between its performance marks: the index complete,
/// then the groups table painted; and the review of "Remove from all groups" between its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_s_page_sets_the_bench_marks() -> Result<()> {
    run("people-marks", |p| async move {
        p.connect().await?;
        let (person, _, _) = two_people(&p).await?;
        p.js(&format!(
            "location.hash = '#/people/{}'; return true;",
            person.id
        ))
        .await?;
        let [complete, shown] = e2e_harness::perf::PEOPLE_MARKS;
        let shown = p.wait_marks(shown, 0, e2e_harness::WAIT).await?;
        let complete = p.marks(complete).await?;
        ensure!(
            complete.len() == 1 && complete[0] <= shown[0],
            "people-index-complete {complete:?} is not once before person-groups-shown {shown:?}"
        );
        p.click("Remove from all groups").await?;
        let [start, end] = e2e_harness::perf::CROSS_REVIEW_MARKS;
        let end = p.wait_marks(end, 0, e2e_harness::WAIT).await?;
        let start = p.marks(start).await?;
        ensure!(
            start.len() == 1 && start[0] <= end[0],
            "cross-review-start {start:?} is not once before cross-review-end {end:?}"
        );
        Ok(())
    })
    .await
}
