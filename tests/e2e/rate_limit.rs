//! Against a sandbox that limits as Omni documents (`--rate-limit 60`: 60 requests a minute per
//! key, then 429), the panel's everyday path (connect, the Groups list, open a group, edit,
//! save) stays within the limit: no request of it gets a 429. The test's own reads with the key
//! count too, as any other client's would. Finally the limit is shown to be real: the same key,
//! hurried, gets Omni's 429 within the minute.

use anyhow::{ensure, Context, Result};
use e2e_harness::api::requests_text;
use e2e_harness::{run_with, Options};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyday_path_stays_within_omnis_rate_limit() -> Result<()> {
    let options = Options::default().args(&["--rate-limit", "60"]);
    run_with("rate-limit-60", options, |mut ps| async move {
        let p = ps.remove(0);
        // A user outside Sales to add, read past the panel (these requests count as well).
        let sales_id = p.api.group_id_by_name("Sales").await?;
        let sales = p.api.group(&sales_id).await?;
        let newcomer = p
            .api
            .users()
            .await?
            .into_iter()
            .find(|u| sales.members.iter().all(|m| m.value != u.id))
            .context("no user outside Sales")?;

        p.connect().await?;
        p.click_link("Groups").await?;
        p.row_texts_where("Groups", "list the seeded groups", |r| {
            r.len() == 8 && r.iter().any(|r| r.starts_with("Sales"))
        })
        .await?;
        p.click_link("Sales").await?;
        let want = format!("Loaded “Sales” with {} members.", sales.members.len());
        p.status_where(&want, |s| s.contains(&want)).await?;

        p.fill("Display name", "Sales team").await?;
        p.fill("Member user ID", &newcomer.id).await?;
        p.fill("Member display name", &newcomer.user_name).await?;
        p.click("Add member").await?;
        p.click("Save").await?;
        p.click("Confirm save").await?;
        p.status_where("Saved", |s| s.contains("Saved")).await?;

        let log = p.control.requests().await?;
        let limited: Vec<_> = log.iter().filter(|r| r.status == 429).collect();
        ensure!(
            limited.is_empty(),
            "{} of {} requests got 429: {}",
            limited.len(),
            log.len(),
            requests_text(&log)
        );
        let saved = log.iter().any(|r| {
            matches!(r.method.as_str(), "PUT" | "PATCH")
                && r.path.ends_with(&sales_id)
                && r.status == 200
        });
        ensure!(saved, "no successful save in: {}", requests_text(&log));
        eprintln!(
            "rate limit 60/min: the path took {} requests, none refused",
            log.len()
        );
        let after = p.api.group(&sales_id).await?;
        ensure!(
            after.display_name == "Sales team"
                && after.members.iter().any(|m| m.value == newcomer.id),
            "the save did not reach the server: {after:?}"
        );

        // The limit is real: hurried, the same key is refused within the minute, as Omni does.
        let mut refused = None;
        for i in 0..=60 {
            let (status, body) = p.api.send("GET", "/groups?count=1", None).await?;
            if status == 429 {
                refused = Some((i, body));
                break;
            }
            ensure!(status == 200, "GET /groups answered {status}: {body}");
        }
        let (i, body) = refused.context("61 more requests within the minute got no 429")?;
        ensure!(
            body == r#"{"detail":"Rate limit exceeded: 60 requests per minute","status":429}"#,
            "429 body: {body}"
        );
        eprintln!("rate limit 60/min: refused after {i} more requests");
        Ok(())
    })
    .await
}
