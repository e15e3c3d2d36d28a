//! The Groups list (issue 12, point 6): member counts in one request for the demo's groups,
//! read group by group when the server's lists come without members or it cannot send the
//! list with them (a 500); a search that ignores case and accents, shows every match without a
//! pager, and opens the only match on Enter; an "Unsaved" mark on groups with unsaved edits.
//! Screenshots (target/screenshots/): groups-counts-groups-list-{light,dark}-{1280,390}.png,
//! groups-search-searching.png, groups-fallback-fallback{,-390}.png, groups-500-fallback.png,
//! groups-unsaved-marked.png, groups-no-counts-no-counts.png.

use anyhow::{ensure, Context, Result};
use e2e_harness::api::{requests_text, LoggedRequest};
use e2e_harness::{axe, run_with, Options, Panel};

/// The list requests (`GET /groups?startIndex=…`) and single-group reads in the sandbox's log.
async fn list_requests(p: &Panel) -> Result<(Vec<LoggedRequest>, Vec<LoggedRequest>)> {
    let log = p.control.requests().await?;
    let lists = log
        .iter()
        .filter(|r| {
            r.method == "GET"
                && r.path.ends_with("/groups")
                && r.query.as_deref().is_some_and(|q| q.contains("startIndex"))
        })
        .cloned()
        .collect();
    let reads = log
        .iter()
        .filter(|r| r.method == "GET" && r.path.contains("/groups/"))
        .cloned()
        .collect();
    Ok((lists, reads))
}

/// (name, id, member count) of every group, as the server has them; read before the request
/// log is cleared, since the test's own reads are logged too.
async fn expected(p: &Panel) -> Result<Vec<(String, String, usize)>> {
    let ids: Vec<String> = p
        .api
        .all_groups()
        .await?
        .into_iter()
        .map(|g| g.id)
        .collect();
    let mut want = Vec::new();
    for id in &ids {
        // One read per group: a list may come without members (--lists-without-members).
        let g = p.api.group(id).await?;
        want.push((g.display_name, g.id, g.members.len()));
    }
    Ok(want)
}

/// Every group's row shows its name, its ID and its member count.
async fn counts_shown(p: &Panel, want: &[(String, String, usize)]) -> Result<()> {
    p.row_texts_where("Groups", "show every group with its member count", |rows| {
        rows.len() == want.len()
            && rows.iter().zip(want).all(|(r, (name, id, n))| {
                r.starts_with(name.as_str())
                    && r.contains(id.as_str())
                    && r.ends_with(&format!(" {n}"))
            })
    })
    .await
    .with_context(|| format!("want (name, id, members): {want:?}"))?;
    Ok(())
}

/// Photographs the list in both themes at 1280 and 390 px, each axe-checked.
async fn photograph(p: &Panel, name: &str) -> Result<()> {
    for theme in ["light", "dark"] {
        for (width, height) in [(1280, 900), (390, 844)] {
            axe::emulate_media(&p.client, theme, true).await?;
            axe::set_viewport(&p.client, width, height).await?;
            // The list at the top of the view, wherever the layout puts it.
            p.js("document.getElementById('groups-heading').scrollIntoView({block: 'start'}); return true;")
                .await?;
            p.settle().await?;
            let what = format!("the groups list ({theme}, {width} px)");
            axe::check(&p.client, &what).await?;
            axe::check_no_sideways_scroll(&p.client, &what).await?;
            p.screenshot(&format!("{name}-{theme}-{width}")).await?;
        }
    }
    axe::reset(&p.client).await
}

async fn pager_shown(p: &Panel) -> Result<bool> {
    p.is_shown("navigation", "nav", "Group pages").await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_list_shows_member_counts_in_one_request() -> Result<()> {
    run_with("groups-counts", Options::default(), |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        p.click_link("Groups").await?;
        let want = expected(&p).await?;
        let n = want.len();
        counts_shown(&p, &want).await?;
        // Read anew, to count what the list alone costs.
        p.control.clear_requests().await?;
        p.reload().await?;
        counts_shown(&p, &want).await?;
        p.wait_text(&format!("{n} groups.")).await?;
        let (lists, reads) = list_requests(&p).await?;
        ensure!(
            lists.len() == 1 && reads.is_empty(),
            "the list of {n} groups cost {} list requests and {} group reads: {}",
            lists.len(),
            reads.len(),
            requests_text(&p.control.requests().await?)
        );
        let q = lists[0].query.clone().unwrap_or_default();
        ensure!(
            !q.contains("excludedAttributes"),
            "the list was asked without members: {q}"
        );
        eprintln!("groups list: {n} groups in {} request(s)", lists.len());
        let text = p.body_text().await?;
        ensure!(!text.contains("—"), "a dash in the list: {text}");
        ensure!(!text.contains("loaded so far"), "old copy: {text}");
        photograph(&p, "groups-list").await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_search_ignores_case_and_accents_and_shows_no_pager() -> Result<()> {
    // 8 seeded groups, 30 teams and José's: two pages.
    let options = Options::default().args(&["--extra-groups", "30"]);
    run_with("groups-search", options, |mut ps| async move {
        let p = ps.remove(0);
        let jose = p.api.create_group("José's team").await?;
        p.connect().await?;
        p.click_link("Groups").await?;
        p.wait_text("Groups 1–25 of 39").await?;
        ensure!(pager_shown(&p).await?, "no pager over 39 groups");

        p.fill("Search groups", "sales").await?;
        p.row_texts_where("Groups", "show Sales alone", |r| {
            r.len() == 1 && r[0].starts_with("Sales")
        })
        .await?;
        ensure!(!pager_shown(&p).await?, "a pager under a search");

        p.fill("Search groups", "jose").await?;
        p.row_texts_where("Groups", "show José's team alone", |r| {
            r.len() == 1 && r[0].starts_with("José's team") && r[0].contains(&jose)
        })
        .await?;

        // Every team, past the first page, on one list without a pager.
        p.fill("Search groups", "TEAM").await?;
        p.row_texts_where("Groups", "show all 31 teams", |r| r.len() == 31)
            .await?;
        p.wait_text("31 groups match “TEAM”.").await?;
        ensure!(!pager_shown(&p).await?, "a pager under a search");
        p.screenshot("searching").await?;

        p.fill("Search groups", "nobody at all").await?;
        p.wait_text("No group matches “nobody at all”.").await?;
        ensure!(!pager_shown(&p).await?, "a pager under an empty search");

        p.fill("Search groups", "").await?;
        p.wait_text("Groups 1–25 of 39").await?;
        ensure!(pager_shown(&p).await?, "the pager did not come back");
        let text = p.body_text().await?;
        ensure!(
            !text.contains("loaded"),
            "copy about what was loaded: {text}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_search_enter_opens_the_only_match() -> Result<()> {
    run_with("groups-enter", Options::default(), |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        p.click_link("Groups").await?;
        p.row_texts_where("Groups", "list the groups", |r| r.len() >= 8)
            .await?;
        // Several matches: Enter opens none of them.
        p.fill("Search groups", "s").await?;
        p.row_texts_where("Groups", "show several matches", |r| r.len() > 1)
            .await?;
        p.press_enter("Search groups").await?;
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let url = p.client.current_url().await?;
        ensure!(
            url.fragment() == Some("/groups"),
            "Enter with several matches went to {url}"
        );

        let id = p.api.group_id_by_name("Engineering").await?;
        let n = p.api.group(&id).await?.members.len();
        p.fill("Search groups", "ENGIN").await?;
        p.wait_text("1 group matches “ENGIN”. Press Enter to open it.")
            .await?;
        p.press_enter("Search groups").await?;
        let want = format!("Loaded “Engineering” with {n} members.");
        p.status_where(&want, |s| s.contains(&want)).await?;
        let url = p.client.current_url().await?;
        ensure!(
            url.fragment() == Some(&format!("/groups/{id}")),
            "opened at {url}"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_counts_are_read_one_by_one_when_lists_come_without_members() -> Result<()> {
    let options = Options::default().args(&["--lists-without-members"]);
    run_with("groups-fallback", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        p.click_link("Groups").await?;
        let want = expected(&p).await?;
        let n = want.len();
        counts_shown(&p, &want).await?;
        p.control.clear_requests().await?;
        p.reload().await?;
        counts_shown(&p, &want).await?;
        p.wait_text("This server leaves members out of its lists")
            .await?;
        let (lists, reads) = list_requests(&p).await?;
        ensure!(
            lists.len() == 1 && reads.len() == n,
            "{n} groups without members in the list cost {} list requests and {} group reads: {}",
            lists.len(),
            reads.len(),
            requests_text(&p.control.requests().await?)
        );
        p.screenshot("fallback").await?;
        axe::set_viewport(&p.client, 390, 844).await?;
        p.js("document.getElementById('groups-heading').scrollIntoView({block: 'start'}); return true;")
            .await?;
        p.settle().await?;
        p.screenshot("fallback-390").await?;
        axe::reset(&p.client).await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_list_marks_groups_with_unsaved_edits() -> Result<()> {
    run_with("groups-unsaved", Options::default(), |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        p.click_link("Groups").await?;
        p.row_texts_where("Groups", "list the groups unmarked", |r| {
            r.len() >= 8 && !r.iter().any(|r| r.contains("Unsaved"))
        })
        .await?;
        let id = p.api.group_id_by_name("Sales").await?;
        let n = p.api.group(&id).await?.members.len();
        p.click_link("Sales").await?;
        let want = format!("Loaded “Sales” with {n} members.");
        p.status_where(&want, |s| s.contains(&want)).await?;
        p.fill("Display name", "Sales team").await?;

        let marked = |rows: &[String]| {
            rows.iter().filter(|r| r.contains("Unsaved")).count() == 1
                && rows
                    .iter()
                    .any(|r| r.starts_with("Sales Unsaved") && r.contains(&id))
        };
        p.click_link("Groups").await?;
        p.row_texts_where("Groups", "mark Sales alone as unsaved", marked)
            .await?;
        p.screenshot("marked").await?;

        // A reload keeps the draft in the tab: still marked.
        p.reload().await?;
        p.click_link("Groups").await?;
        p.row_texts_where(
            "Groups",
            "mark Sales alone as unsaved after a reload",
            marked,
        )
        .await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_counts_survive_a_list_with_members_the_server_cannot_send() -> Result<()> {
    run_with("groups-500", Options::default(), |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        p.click_link("Groups").await?;
        let want = expected(&p).await?;
        let n = want.len();
        counts_shown(&p, &want).await?;
        p.click_link("Activity").await?;
        // Only the next group request fails (500): the 100th from now, after 99 of the test's.
        const EVERY: u64 = 100;
        p.control
            .set_faults(serde_json::json!({ "fail_status": 500, "fail_path": "/groups", "fail_every": EVERY }))
            .await?;
        for _ in 1..EVERY {
            p.api.send("GET", "/groups?count=1", None).await?;
        }
        p.control.clear_requests().await?;
        p.click_link("Groups").await?;
        counts_shown(&p, &want).await?;
        p.wait_text("the server failed to send the list with members (500).")
            .await?;
        let (lists, reads) = list_requests(&p).await?;
        let log = p.control.requests().await?;
        ensure!(
            lists.len() == 2
                && lists[0].status == 500
                && !lists[1].query.as_deref().unwrap_or_default().is_empty()
                && lists[1].query.as_deref().unwrap_or_default().contains("excludedAttributes=members")
                && reads.len() == n,
            "a 500 for the list with members, then: {}",
            requests_text(&log)
        );
        p.js("document.getElementById('groups-heading').scrollIntoView({block: 'start'}); return true;")
            .await?;
        p.screenshot("fallback").await?;
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn groups_member_column_goes_when_no_count_can_be_read() -> Result<()> {
    let options = Options::default().args(&["--lists-without-members"]);
    run_with("groups-no-counts", options, |mut ps| async move {
        let p = ps.remove(0);
        p.connect().await?;
        p.click_link("Activity").await?;
        p.control
            .set_faults(serde_json::json!({ "fail_status": 500, "fail_path": "/groups/", "fail_method": "GET" }))
            .await?;
        p.click_link("Groups").await?;
        p.wait_text("Member counts could not be read: the server answered 500")
            .await?;
        let table = p.table("Groups").await?;
        let heads = table.text().await?;
        ensure!(
            !heads.contains("Members") && !heads.contains("Unknown") && !heads.contains("—"),
            "the member column stayed without counts: {heads}"
        );
        p.row_texts_where("Groups", "list the groups", |r| r.len() >= 8)
            .await?;
        p.js("document.getElementById('groups-heading').scrollIntoView({block: 'start'}); return true;")
            .await?;
        p.screenshot("no-counts").await?;
        Ok(())
    })
    .await
}
