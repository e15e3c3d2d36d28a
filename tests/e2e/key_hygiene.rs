//! End-to-end tests of where the API key may be (only this tab's sessionStorage and the
//! Authorization header), of forgetting it (the button and the idle timeout) without losing
//! the draft, and of hostile names from the server shown as plain text.
use std::time::{Duration, Instant};

use anyhow::{ensure, Result};
use e2e_harness::console::ConsoleEntry;
use e2e_harness::{eventually, run, run_with, Options, Panel};
use fantoccini::key::Key;
use serde_json::json;

/// The sessionStorage item that holds a group's unsaved draft on the server the harness
/// connects to, the same-origin base URL (src/core/stored_draft.rs).
fn draft_item(group_id: &str) -> String {
    format!("omni-scim-panel.draft.{group_id}@/api/scim/v2")
}

/// Whether any sessionStorage value holds `key`.
async fn key_in_session_storage(p: &Panel, key: &str) -> Result<bool> {
    Ok(p.session_storage()
        .await?
        .iter()
        .any(|(_, v)| v.contains(key)))
}

/// Waits until the tab's sessionStorage no longer holds the key.
async fn wait_key_gone(p: &Panel, key: &str) -> Result<()> {
    eventually("the key to leave sessionStorage", || async {
        match key_in_session_storage(p, key).await {
            Ok(false) => Ok(()),
            Ok(true) => Err("still in sessionStorage".to_owned()),
            Err(e) => Err(e.to_string()),
        }
    })
    .await
}

/// Waits until the tab keeps a draft of `group_id` renaming the group to `name` (a draft is
/// kept as its change: `renamed`).
async fn wait_draft_kept(p: &Panel, group_id: &str, name: &str) -> Result<()> {
    let item = draft_item(group_id);
    let want = format!("\"renamed\":{}", json!(name));
    let (item, want) = (&item, &want);
    eventually(&format!("a stored draft naming {name:?}"), || async move {
        let storage = p.session_storage().await.map_err(|e| e.to_string())?;
        match storage.iter().find(|(k, _)| k == item) {
            Some((_, v)) if v.contains(want.as_str()) => Ok(()),
            Some((_, v)) => Err(format!("draft: {v}")),
            None => Err(format!(
                "no {item} among {:?}",
                storage.iter().map(|(k, _)| k).collect::<Vec<_>>()
            )),
        }
    })
    .await
}

/// Opens the seeded group named `name` in the editor; returns it as the server has it.
async fn open_seeded(p: &Panel, name: &str) -> Result<e2e_harness::Group> {
    let id = p.api.group_id_by_name(name).await?;
    let group = p.api.group(&id).await?;
    p.open_group(&id, name, group.members.len()).await?;
    Ok(group)
}

/// Save → Confirm save → "Saved …".
async fn save(p: &Panel) -> Result<()> {
    p.click("Save").await?;
    p.click("Confirm save").await?;
    p.status_where("the group saved", |s| s.starts_with("Saved “"))
        .await?;
    Ok(())
}

/// Every place in the page the key must not be, as (where, what is there). Reads storage of
/// every kind, cookies, the URL, the whole markup and text, and every form field's value.
async fn page_places(p: &Panel) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    let local = p
        .js("return Object.keys(localStorage).map(k => k + '=' + localStorage.getItem(k));")
        .await?;
    out.push(("localStorage".to_owned(), local.to_string()));
    // sessionStorage may hold the key under its own item, and nothing else may hold it.
    let session: Vec<String> = p
        .session_storage()
        .await?
        .into_iter()
        .filter(|(k, _)| k != "omni-scim-panel.api-key")
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    out.push((
        "sessionStorage besides the key item".to_owned(),
        session.join("\n"),
    ));
    out.push((
        "document.cookie".to_owned(),
        p.js("return document.cookie;").await?.to_string(),
    ));
    let cookies = p.client.get_all_cookies().await?;
    out.push((
        "WebDriver cookies".to_owned(),
        cookies
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>()
            .join("; "),
    ));
    // Names of IndexedDB databases, and every record of every store in them.
    let idb = p
        .js("return (async () => {
               const out = [];
               for (const info of await indexedDB.databases()) {
                 out.push('db ' + info.name);
                 const db = await new Promise((ok, no) => {
                   const r = indexedDB.open(info.name); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
                 });
                 for (const store of db.objectStoreNames) {
                   const rows = await new Promise((ok, no) => {
                     const r = db.transaction(store).objectStore(store).getAll(); r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error);
                   });
                   out.push(store + ' ' + JSON.stringify(rows));
                 }
                 db.close();
               }
               return out;
             })();")
        .await?;
    out.push(("IndexedDB".to_owned(), idb.to_string()));
    let caches = p
        .js("return (typeof caches === 'undefined') ? [] : caches.keys();")
        .await?;
    out.push(("Cache Storage".to_owned(), caches.to_string()));
    let url = p.client.current_url().await?;
    out.push(("the URL (WebDriver)".to_owned(), url.to_string()));
    let page_url = p
        .js("return [location.href, document.referrer, window.name, JSON.stringify(history.state)];")
        .await?;
    out.push((
        "location, referrer, window.name, history".to_owned(),
        page_url.to_string(),
    ));
    let resources = p
        .js("return performance.getEntries().map(e => e.name);")
        .await?;
    out.push(("URLs the page requested".to_owned(), resources.to_string()));
    let html = p.js("return document.documentElement.outerHTML;").await?;
    out.push(("the whole markup (outerHTML)".to_owned(), html.to_string()));
    let text = p
        .js("return document.documentElement.textContent + '\\n' + document.body.innerText;")
        .await?;
    out.push(("the page text".to_owned(), text.to_string()));
    let values = p
        .js("return Array.from(document.querySelectorAll('input, textarea, select')).map(e => (e.id || e.name) + '=' + e.value);")
        .await?;
    out.push(("every form field's value".to_owned(), values.to_string()));
    Ok(out)
}

/// Fails naming every place where `key` turned up.
fn assert_nowhere(key: &str, places: &[(String, String)]) -> Result<()> {
    let found: Vec<&str> = places
        .iter()
        .filter(|(_, text)| text.contains(key))
        .map(|(place, _)| place.as_str())
        .collect();
    ensure!(found.is_empty(), "the API key appears in: {found:?}");
    Ok(())
}

/// Records what the page writes through `navigator.clipboard` and `URL.createObjectURL`
/// (the "Copy curl command" and "Download as JSON" buttons), so the test can read both.
async fn capture_clipboard_and_downloads(p: &Panel) -> Result<()> {
    p.js("window.__copied = []; window.__blobs = [];
          const clip = navigator.clipboard;
          if (clip) { clip.writeText = t => { window.__copied.push(String(t)); return Promise.resolve(); }; }
          const create = URL.createObjectURL;
          URL.createObjectURL = b => { window.__blobs.push(b); return create.call(URL, b); };
          return true;")
        .await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_is_only_in_session_storage_and_forget_key_keeps_the_draft() -> Result<()> {
    run("key-hygiene", |p| async move {
        let key = p.key.clone();
        let mut console: Vec<ConsoleEntry> = p.console_messages().await?;
        // Typed but not yet sent, the key is the field's value only, not markup
        // (`prop:value` sets the property, never a `value` attribute).
        p.fill("SCIM base URL", "/api/scim/v2").await?;
        p.fill("API key", &key).await?;
        let html = p.js("return document.documentElement.outerHTML;").await?;
        ensure!(
            !html.to_string().contains(&key),
            "the typed key appears in the page's markup"
        );
        p.click("Connect").await?;
        p.status_where("Connected", e2e_harness::is_connected).await?;
        // The field went with the connect card; reopened, it is empty.
        p.click("Change connection").await?;
        ensure!(
            p.value("API key").await?.is_empty(),
            "the API key field still holds the key after Connect"
        );
        p.click("Cancel").await?;
        // The control: the key is where it belongs, so "not found elsewhere" means something.
        ensure!(
            key_in_session_storage(&p, &key).await?,
            "the key is not in sessionStorage after connecting"
        );

        let id = open_seeded(&p, "Engineering").await?.id;
        capture_clipboard_and_downloads(&p).await?;

        // A save, with the review's request and curl command read and copied.
        p.fill("Display name", "Engineering One").await?;
        p.click("Save").await?;
        p.open_details("Request that will be sent").await?;
        let request_text = p.details_text("Request that will be sent").await?;
        ensure!(
            request_text.contains("$OMNI_API_KEY"),
            "the curl command does not read the key from $OMNI_API_KEY:\n{request_text}"
        );
        p.click("Copy curl command").await?;
        p.click("Confirm save").await?;
        p.status_where("the group saved", |s| s.starts_with("Saved “Engineering One”"))
            .await?;

        // A failure (the server answers 500 to the PUT), then the same save again once it works.
        p.control
            .set_faults(json!({ "fail_status": 500, "fail_method": "PUT" }))
            .await?;
        p.fill("Display name", "Engineering Two").await?;
        p.click("Save").await?;
        p.click("Confirm save").await?;
        p.alert_containing("500").await?;
        p.control.clear_faults().await?;
        // The review stays open after a failure; its button offers the same save again.
        let again = if p.is_shown("button", "button", "Retry save").await? {
            "Retry save"
        } else {
            "Confirm save"
        };
        p.click(again).await?;
        p.status_where("the retry saved", |s| s.starts_with("Saved “Engineering Two”"))
            .await?;
        ensure!(
            p.api.group(&id).await?.display_name == "Engineering Two",
            "the retried save did not reach the server"
        );

        let mut places = page_places(&p).await?;
        let copied = p.js("return window.__copied;").await?;
        ensure!(
            copied.to_string().contains("curl"),
            "no curl command was copied: {copied}"
        );
        places.push(("the curl command (shown)".to_owned(), request_text));
        places.push(("the copied curl command".to_owned(), copied.to_string()));

        // The activity page, and the JSON it offers for download.
        p.click_link("Activity").await?;
        p.row_texts_where("Saves and attempts", "list the saves and the failure", |rows| {
            rows.len() >= 3 && rows.iter().any(|r| r.contains("500"))
        })
        .await?;
        p.click("Download as JSON").await?;
        let download = eventually("the JSON download", || async {
            let v = p
                .js("return window.__blobs.length ? window.__blobs[window.__blobs.length - 1].text() : null;")
                .await
                .map_err(|e| e.to_string())?;
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| "nothing downloaded yet".to_owned())
        })
        .await?;
        ensure!(
            download.contains("Engineering Two"),
            "the download is not the activity log: {download}"
        );
        places.push(("the activity JSON download".to_owned(), download));
        places.extend(page_places(&p).await?);

        // Every console message since the browser started. The failed PUT logs a network error,
        // which shows the log is really being read.
        console.extend(p.console_messages().await?);
        ensure!(
            console.iter().any(|e| e.message.contains("500")),
            "the console log shows no trace of the 500, so it is not being read: {console:?}"
        );
        let console_text = console
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n");
        places.push(("the console".to_owned(), console_text));
        assert_nowhere(&key, &places)?;

        // "Forget key" with unsaved changes: the key goes, the draft stays and can be saved.
        p.js(&format!("location.hash = '#/groups/{id}'; return true;"))
            .await?;
        p.fill("Display name", "Engineering Three").await?;
        wait_draft_kept(&p, &id, "Engineering Three").await?;
        p.click("Forget key").await?;
        wait_key_gone(&p, &key).await?;
        p.status_where("the key forgotten", |s| s.contains("Key forgotten"))
            .await?;
        ensure!(
            p.value("Display name").await? == "Engineering Three",
            "the edit left the editor when the key was forgotten"
        );
        wait_draft_kept(&p, &id, "Engineering Three").await?;

        p.connect().await?;
        save(&p).await?;
        ensure!(
            p.api.group(&id).await?.display_name == "Engineering Three",
            "the draft kept across Forget key did not reach the server"
        );
        console.extend(p.console_messages().await?);
        let mut places = page_places(&p).await?;
        places.push((
            "the console".to_owned(),
            console.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"),
        ));
        assert_nowhere(&key, &places)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_tab_forgets_the_key_and_keeps_the_draft() -> Result<()> {
    // 5 s rather than 3: the harness's own pauses (waiting for rows under load) must not count
    // as idleness before the test means it to.
    let options = Options::default().config("idle-timeout-seconds=5");
    run_with("idle-timeout", options, |mut panels| async move {
        let p = panels.remove(0);
        let key = p.key.clone();
        p.connect().await?;
        let id = open_seeded(&p, "Sales").await?.id;

        // Typing one key a second for longer than the limit is activity: the key stays.
        let field = p.textbox("Display name").await?;
        field.click().await?;
        let select_all = format!("{}a{}", char::from(Key::Control), char::from(Key::Null));
        field.send_keys(&select_all).await?;
        field.send_keys("S").await?;
        let started = Instant::now();
        for c in "ales West".chars() {
            tokio::time::sleep(Duration::from_millis(800)).await;
            field.send_keys(&c.to_string()).await?;
        }
        let typed_for = started.elapsed();
        let last_key = Instant::now();
        ensure!(
            typed_for > Duration::from_secs(6),
            "typed for only {typed_for:?}, not longer than the 5 s limit"
        );
        ensure!(
            key_in_session_storage(&p, &key).await?,
            "the key was forgotten while the admin was typing"
        );

        // Then nothing: the panel forgets the key and says so, keeping the edit.
        let alert = p.alert_containing("forgotten after 5 seconds").await?;
        let idle_for = last_key.elapsed();
        eprintln!("idle-timeout: key forgotten {idle_for:?} after the last key press");
        ensure!(
            idle_for >= Duration::from_secs(5),
            "forgotten after {idle_for:?} without activity, sooner than the 5 s limit"
        );
        ensure!(
            alert.contains("Unsaved changes are kept") && alert.contains("enter the key again"),
            "the notice does not say what to do: {alert:?}"
        );
        p.screenshot_showing("forgotten", "forgotten after").await?;
        wait_key_gone(&p, &key).await?;
        ensure!(
            p.value("API key").await?.is_empty(),
            "the API key field is not empty"
        );
        p.settle().await?;
        ensure!(
            !p.is_shown("button", "button", "Forget key").await?,
            "Forget key is still offered: the panel thinks a key is stored"
        );
        ensure!(
            p.value("Display name").await? == "Sales West",
            "the edit left the editor when the key was forgotten"
        );
        wait_draft_kept(&p, &id, "Sales West").await?;
        // Not connected: the connect card is back, above the kept edit.
        p.heading("Connect to your SCIM server").await?;

        // Key again, Connect, Save: the kept edit reaches the server.
        p.connect().await?;
        save(&p).await?;
        ensure!(
            p.api.group(&id).await?.display_name == "Sales West",
            "the edit kept across the idle timeout did not reach the server"
        );
        Ok(())
    })
    .await
}

/// A key refused after connecting (revoked meanwhile): the first request answered 401 forgets
/// it and disconnects, says what to do, and keeps the edit, which saves after a new Connect.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_refused_later_is_forgotten_and_the_draft_kept() -> Result<()> {
    run("key-refused", |p| async move {
        let key = p.key.clone();
        p.connect().await?;
        let id = open_seeded(&p, "Sales").await?.id;
        p.fill("Display name", "Sales North").await?;
        wait_draft_kept(&p, &id, "Sales North").await?;

        // The key is revoked: the server now refuses it.
        p.control
            .set_faults(json!({ "fail_status": 401, "fail_path": format!("/groups/{id}"), "fail_method": "GET" }))
            .await?;
        p.click("Save").await?;
        p.click("Confirm save").await?;
        let alert = p.alert_containing("refused (401)").await?;
        ensure!(
            alert.contains("forgot it") && alert.contains("Unsaved changes are kept"),
            "the message does not say the key was forgotten and the edit kept: {alert:?}"
        );
        wait_key_gone(&p, &key).await?;
        eventually("the page to say it is disconnected", || async {
            let text = p.body_text().await.map_err(|e| e.to_string())?;
            if text.contains("Not connected: the server refused the key") {
                Ok(())
            } else if text.contains("Connected to") {
                Err("still says 'Connected to'".to_owned())
            } else {
                Err("no 'Not connected: the server refused the key'".to_owned())
            }
        })
        .await?;
        // Said at the key field, which is marked invalid.
        p.field_error("API key", "Not connected: the server refused the key (401)")
            .await?;
        p.screenshot_showing("refused", "refused (401)").await?;
        p.click("Back").await?;
        p.settle().await?;
        ensure!(
            !p.is_shown("button", "button", "Forget key").await?,
            "Forget key is still offered: the panel thinks a key is stored"
        );
        ensure!(
            p.value("Display name").await? == "Sales North",
            "the edit left the editor when the key was refused"
        );

        // A valid key again: the kept edit saves.
        p.control.clear_faults().await?;
        ensure!(
            p.api.group(&id).await?.display_name == "Sales",
            "something was saved with a refused key"
        );
        p.connect().await?;
        save(&p).await?;
        ensure!(
            p.api.group(&id).await?.display_name == "Sales North",
            "the edit kept across the refusal did not reach the server"
        );
        Ok(())
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_group_names_show_as_plain_text() -> Result<()> {
    run("hostile-names", |p| async move {
        let markup = "<img src=x onerror=alert(1)>";
        // U+202E (right-to-left override) would show "Admins" and "exe.txt" reversed.
        let rlo = "Admins \u{202E}exe.txt";
        let markup_id = p.api.create_group(markup).await?;
        let rlo_id = p.api.create_group(rlo).await?;
        p.connect().await?;

        // The groups list shows both names literally, as link text.
        for name in [markup, rlo] {
            let link = p.link(name).await?;
            let text = link.prop("textContent").await?.unwrap_or_default();
            ensure!(text == name, "the list shows {text:?} for {name:?}");
        }
        p.screenshot("list").await?;

        p.open_group(&markup_id, markup, 0).await?;
        let header = p.js("return document.querySelector('.topbar').textContent;").await?;
        ensure!(
            header.to_string().contains("<img src=x onerror=alert(1)>"),
            "the header does not show the name literally: {header}"
        );
        p.open_group(&rlo_id, rlo, 0).await?;
        // The name as loaded (set elsewhere) is shown with its warning; it blocks nothing
        // (issue 14: only a changed name must follow the rules).
        let body = p.body_text().await?;
        ensure!(
            body.contains("text-direction control character")
                && body.contains("set outside the panel"),
            "no warning for the name as loaded: {body}"
        );
        // Quoted in a sentence, the name is a bidi isolate (FSI … PDI), so its override cannot
        // reverse the words after it.
        let isolated = format!("\u{2068}{rlo}\u{2069}");
        for (what, script) in [
            ("the load status", "return Array.from(document.querySelectorAll('[role=status]')).map(e => e.textContent).join('\\n');"),
            ("the tab's title", "return document.title;"),
        ] {
            let text = p.js(script).await?;
            let text = text.as_str().unwrap_or_default();
            ensure!(
                text.contains(&format!("“{isolated}”")),
                "{what} does not isolate the name: {text:?}"
            );
        }
        // The header isolates it with an element (<bdi>), so an ID copied from there carries
        // no invisible characters.
        let in_header = p
            .js("return Array.from(document.querySelectorAll('.topbar bdi')).map(b => b.textContent);")
            .await?;
        ensure!(
            in_header.as_array().is_some_and(|a| a.iter().any(|t| t == rlo)),
            "the header does not isolate the name: {in_header}"
        );
        p.screenshot("rlo").await?;
        // The review quotes the old name in a <bdi>, the element form of the same isolation.
        p.fill("Display name", "Admins").await?;
        p.click("Save").await?;
        let bdi = p
            .js("return Array.from(document.querySelectorAll('bdi')).map(b => b.textContent);")
            .await?;
        ensure!(
            bdi.as_array().is_some_and(|a| a.iter().any(|t| t == rlo)),
            "the review does not isolate the old name: {bdi}"
        );
        p.screenshot("rlo-review").await?;
        p.click("Back").await?;

        // Nothing ran and nothing was inserted: no image, no request for it, no dialog.
        let images = p.js("return document.images.length;").await?;
        ensure!(images == json!(0), "the page has {images} image elements");
        let requested = p
            .js("return performance.getEntries().map(e => e.name).filter(n => /\\/x(\\?|$)/.test(n));")
            .await?;
        ensure!(
            requested == json!([]),
            "the page requested the hostile image: {requested}"
        );
        let dialog = p.client.get_alert_text().await;
        ensure!(dialog.is_err(), "a dialog opened: {dialog:?}");
        Ok(())
    })
    .await
}
