//! The split build (issue 15): the first screen is one module and the screens behind the
//! connect card another (with Connect's request), fetched after the first paint. A first visit
//! gets the connect card from the first module alone; a chunk that cannot be fetched is said,
//! and so is a Connect that needs it; once it can be fetched, a reload brings everything back.
use anyhow::{ensure, Context, Result};
use e2e_harness::cdp::cdp;
use e2e_harness::{eventually, run};
use serde_json::json;

const CHUNK: &str = "screens-";
const FAILED: &str = "Part of the panel could not be loaded";

/// The files this page fetched whose names end with `ext`, by name, once per fetch.
async fn fetched(p: &e2e_harness::Panel, ext: &str) -> Result<Vec<String>> {
    let names = p
        .js(&format!(
            "return performance.getEntriesByType('resource')\
               .map(e => new URL(e.name).pathname.split('/').pop())\
               .filter(n => n.endsWith('{ext}'));"
        ))
        .await?;
    serde_json::from_value(names).context("reading the fetched files")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_screens_are_a_chunk_and_a_chunk_not_fetched_is_said() -> Result<()> {
    run("split", |p| async move {
        // The build scripts/test makes is split: two wasm files, the chunk fetched once.
        let wasm = eventually("the screens' chunk to be fetched", || async {
            let names = fetched(&p, ".wasm").await.map_err(|e| e.to_string())?;
            if names.iter().filter(|n| n.starts_with(CHUNK)).count() == 1 && names.len() == 2 {
                Ok(names)
            } else {
                Err(format!("wasm fetched: {names:?}"))
            }
        })
        .await?;
        ensure!(
            wasm.iter().any(|n| n.ends_with("_bg.wasm")),
            "the first screen's module is not among {wasm:?}"
        );
        // The split loader is hinted (modulepreload) and fetched once, not again on import.
        let hinted = p
            .js("return !!document.querySelector('link[rel=modulepreload][href*=\"/split-\"]');")
            .await?;
        ensure!(
            hinted == json!(true),
            "index.html does not hint the split loader"
        );
        let js = fetched(&p, ".js").await?;
        ensure!(
            js.iter().filter(|n| n.starts_with("split-")).count() == 1,
            "the split loader was not fetched exactly once: {js:?}"
        );

        // A chunk the network refuses: the connect card is there, the failure is said, and
        // Connect (whose request is in the chunk) says why it cannot connect.
        cdp(&p.client, "Network.enable", json!({})).await?;
        cdp(
            &p.client,
            "Network.setBlockedURLs",
            json!({ "urls": [format!("*{CHUNK}*.wasm")] }),
        )
        .await?;
        cdp(
            &p.client,
            "Network.setCacheDisabled",
            json!({ "cacheDisabled": true }),
        )
        .await?;
        p.reload().await?;
        let said = p.alert_containing(FAILED).await?;
        ensure!(
            said.contains("reload the page"),
            "the failure does not say what to do: {said:?}"
        );
        p.connect_with(&p.key.clone()).await?;
        p.alert_containing("Could not connect: part of the panel could not be loaded")
            .await?;
        ensure!(
            p.is_enabled("Connect").await?,
            "Connect stays busy after the chunk it waited for failed"
        );
        ensure!(
            !p.is_shown("textbox", "input", "Group ID").await?,
            "the Groups screen is shown though its code was never fetched"
        );
        p.screenshot_showing("chunk-blocked", FAILED).await?;

        // The network is back: a reload fetches the chunk. The key was never checked, so it was
        // not kept: the connect card is back, and Connect connects.
        cdp(&p.client, "Network.setBlockedURLs", json!({ "urls": [] })).await?;
        p.reload().await?;
        ensure!(
            p.is_shown("textbox", "input", "SCIM base URL").await?
                && !p.is_shown("button", "button", "Change connection").await?,
            "after a Connect that could not check the key, a reload shows the panel connected"
        );
        p.connect().await?;
        p.textbox("Group ID").await?;
        ensure!(
            !p.alerts().await?.iter().any(|a| a.contains(FAILED)),
            "the failure is still said after a reload that fetched the chunk"
        );
        Ok(())
    })
    .await
}
