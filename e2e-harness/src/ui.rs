//! More of the panel as a user meets it: links, checkboxes, headings, regions and progress bars
//! by role and accessible name; text on the page; pasting and pressing Enter; big tables read in
//! one go. Every wait is bounded ([`eventually`]).

use anyhow::{bail, Context, Result};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::Value;

use super::a11y::{self, describe, nodes};
use super::{eventually, judge_rows, Panel};

/// An XPath 1.0 string literal for `s`, whatever quotes it holds.
pub fn xpath_literal(s: &str) -> String {
    if !s.contains('\'') {
        format!("'{s}'")
    } else if !s.contains('"') {
        format!("\"{s}\"")
    } else {
        let parts: Vec<String> = s.split('\'').map(|p| format!("'{p}'")).collect();
        format!("concat({})", parts.join(", \"'\", "))
    }
}

const BUTTON_XPATH: &str =
    "//*[self::button or @role='button' or (self::input and (@type='button' or @type='submit'))]";

impl Panel {
    /// The button named `name` among the few whose label, text or value reads `name`, if any.
    pub(super) async fn quick_button(&self, name: &str) -> Option<Element> {
        let lit = xpath_literal(name);
        let xpath = format!(
            "{BUTTON_XPATH}[normalize-space(@aria-label)={lit} or normalize-space(.)={lit} or normalize-space(@value)={lit}]"
        );
        let candidates = self.client.find_all(Locator::XPath(&xpath)).await.ok()?;
        for el in candidates {
            if !el.is_displayed().await.unwrap_or(false) {
                continue;
            }
            let (Ok(role), Ok(label)) = (
                a11y::role(&self.client, &el).await,
                a11y::name(&self.client, &el).await,
            ) else {
                continue;
            };
            if role == "button" && label == name {
                return Some(el);
            }
        }
        None
    }

    /// The displayed element with computed role `role` and accessible name `name`, among those
    /// matching `css` (a coarse pre-filter).
    pub async fn by_role(&self, role: &str, css: &str, name: &str) -> Result<Element> {
        let c = &self.client;
        eventually(&format!("a {role} named {name:?}"), || async move {
            let found = nodes(c, css).await.map_err(|e| e.to_string())?;
            found
                .iter()
                .find(|n| n.role == role && n.name == name)
                .map(|n| n.el.clone())
                .ok_or_else(|| {
                    let same: Vec<_> = found.iter().filter(|n| n.role == role).cloned().collect();
                    format!("{role}s: {}", describe(&same))
                })
        })
        .await
    }

    /// Whether such an element is on screen now (no waiting).
    pub async fn is_shown(&self, role: &str, css: &str, name: &str) -> Result<bool> {
        Ok(nodes(&self.client, css)
            .await?
            .iter()
            .any(|n| n.role == role && n.name == name))
    }

    pub async fn link(&self, name: &str) -> Result<Element> {
        self.by_role("link", "a[href], [role=link]", name).await
    }

    pub async fn click_link(&self, name: &str) -> Result<()> {
        let l = self.link(name).await?;
        self.reveal(&l).await?;
        l.click()
            .await
            .with_context(|| format!("clicking the link {name:?}"))
    }

    /// An option of a listbox (a combobox's matches) by its accessible name.
    pub async fn option(&self, name: &str) -> Result<Element> {
        self.by_role("option", "[role=option]", name).await
    }

    /// Clicks the option named `name`, as a user picks a match.
    pub async fn click_option(&self, name: &str) -> Result<()> {
        let o = self.option(name).await?;
        self.reveal(&o).await?;
        o.click()
            .await
            .with_context(|| format!("clicking the option {name:?}"))
    }

    /// The accessible names of the options shown in the listbox named `list`, in order.
    pub async fn options(&self, list: &str) -> Result<Vec<String>> {
        let listbox = self.by_role("listbox", "[role=listbox]", list).await?;
        Ok(
            a11y::nodes_within(&self.client, &listbox, Locator::Css("[role=option]"))
                .await?
                .into_iter()
                .map(|n| n.name)
                .collect(),
        )
    }

    pub async fn checkbox(&self, name: &str) -> Result<Element> {
        self.by_role("checkbox", "input[type=checkbox], [role=checkbox]", name)
            .await
    }

    /// Ticks or unticks a checkbox by clicking it (as a user would), then checks it took.
    pub async fn set_checkbox(&self, name: &str, on: bool) -> Result<()> {
        let cb = self.checkbox(name).await?;
        let checked = |el: Element| async move {
            el.prop("checked")
                .await
                .map(|v| v.as_deref() == Some("true"))
        };
        if checked(cb.clone()).await? != on {
            self.reveal(&cb).await?;
            cb.click()
                .await
                .with_context(|| format!("clicking the checkbox {name:?}"))?;
        }
        // Found again each time: a checkbox whose change re-renders its panel (the review's
        // "Save with PATCH") is a new element afterwards.
        eventually(&format!("{name:?} to be {on}"), || async move {
            let cb = self.checkbox(name).await.map_err(|e| e.to_string())?;
            match checked(cb).await {
                Ok(v) if v == on => Ok(()),
                Ok(v) => Err(format!("checked = {v}")),
                Err(e) => Err(e.to_string()),
            }
        })
        .await
    }

    pub async fn heading(&self, name: &str) -> Result<Element> {
        self.by_role("heading", "h1, h2, h3, h4, h5, h6, [role=heading]", name)
            .await
    }

    pub async fn region(&self, name: &str) -> Result<Element> {
        self.by_role("region", "section, [role=region]", name).await
    }

    /// Waits two animation frames: whatever the last change renders is on screen, so a check
    /// that something is absent is not taken before it could have appeared.
    pub async fn settle(&self) -> Result<()> {
        self.client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => done(true)));",
                Vec::new(),
            )
            .await
            .context("waiting two animation frames")?;
        Ok(())
    }

    pub async fn has_region(&self, name: &str) -> Result<bool> {
        self.is_shown("region", "section, [role=region]", name)
            .await
    }

    /// The visible text of the page (`innerText`: closed `<details>` content excluded).
    pub async fn visible_text(&self) -> Result<String> {
        Ok(a11y::normalize(&self.body_text().await?))
    }

    /// Waits until the page's visible text contains `needle` (whitespace collapsed).
    pub async fn wait_text(&self, needle: &str) -> Result<()> {
        let needle = a11y::normalize(needle);
        let needle = needle.as_str();
        eventually(&format!("the page to say {needle:?}"), || async move {
            let text = self.visible_text().await.map_err(|e| e.to_string())?;
            if text.contains(needle) {
                Ok(())
            } else {
                Err(format!("page text: {text}"))
            }
        })
        .await
    }

    /// Waits until the visible text of `el` satisfies `ok`; returns that text.
    pub async fn wait_text_in(
        &self,
        el: &Element,
        what: &str,
        ok: impl Fn(&str) -> bool,
    ) -> Result<String> {
        let ok = &ok;
        eventually(what, || async move {
            let text = el.text().await.map_err(|e| e.to_string())?;
            let text = a11y::normalize(&text);
            if ok(&text) {
                Ok(text)
            } else {
                Err(format!("text: {text}"))
            }
        })
        .await
    }

    /// Waits until the button's enabled state is `enabled`.
    pub async fn wait_enabled(&self, button: &str, enabled: bool) -> Result<()> {
        eventually(
            &format!(
                "{button:?} to be {}",
                if enabled { "enabled" } else { "disabled" }
            ),
            || async move {
                match self.is_enabled(button).await {
                    Ok(v) if v == enabled => Ok(()),
                    Ok(v) => Err(format!("enabled = {v}")),
                    Err(e) => Err(e.to_string()),
                }
            },
        )
        .await
    }

    /// Presses Enter in the text field labelled `label`.
    pub async fn press_enter(&self, label: &str) -> Result<()> {
        let el = self.textbox(label).await?;
        el.send_keys(&char::from(Key::Enter).to_string())
            .await
            .with_context(|| format!("pressing Enter in {label:?}"))
    }

    /// Puts `text` into the field labelled `label` in one input event, as pasting does (typing
    /// thousands of characters key by key would take minutes and is not what admins do).
    pub async fn paste(&self, label: &str, text: &str) -> Result<()> {
        let el = self.textbox(label).await?;
        self.reveal(&el).await?;
        el.click()
            .await
            .with_context(|| format!("focusing {label:?}"))?;
        let arg = serde_json::to_value(&el).context("serializing an element reference")?;
        self.client
            .execute(
                "const el = arguments[0]; el.focus(); el.value = arguments[1]; \
                 el.dispatchEvent(new InputEvent('input', {bubbles: true, inputType: 'insertFromPaste', data: arguments[1]}));",
                vec![arg, Value::String(text.to_owned())],
            )
            .await
            .with_context(|| format!("pasting into {label:?}"))?;
        let got = el.prop("value").await?.unwrap_or_default();
        if got != text {
            bail!(
                "{label:?} holds {} characters after pasting {}",
                got.len(),
                text.len()
            );
        }
        Ok(())
    }

    /// Goes to the Groups screen (by its link), where "Group ID" and "Load group" are, unless
    /// they are on screen already.
    pub async fn to_groups_screen(&self) -> Result<()> {
        if !self.is_shown("textbox", "input", "Group ID").await? {
            self.click_link("Groups").await?;
            self.textbox("Group ID").await?;
        }
        Ok(())
    }

    /// Types the group's ID into "Group ID", presses "Load group" and waits for
    /// `Loaded “name” with N members.`
    pub async fn open_group(&self, id: &str, name: &str, members: usize) -> Result<()> {
        self.to_groups_screen().await?;
        self.fill("Group ID", id).await?;
        self.click("Load group").await?;
        let want = format!("Loaded “{name}” with {members} members.");
        self.status_where(&format!("{want:?}"), |s| s.contains(&want))
            .await?;
        // The editor is on screen with the group in it.
        let shown = self.value("Display name").await?;
        if shown != name {
            bail!("Display name shows {shown:?} after loading {name:?}");
        }
        Ok(())
    }

    /// The data rows of the table named `name` (found by role and name), read in one script:
    /// rows inside `<thead>`, rows of column headers only and `aria-hidden` (spacer) rows are
    /// left out. A long table rendered a window at a time is read whole by scrolling its box
    /// (see [`Panel::windowed_rows`]).
    pub async fn row_texts(&self, name: &str) -> Result<Vec<String>> {
        let table = self.table(name).await?;
        if let Some(rows) = self.windowed_rows(&table).await? {
            return Ok(rows);
        }
        let arg = serde_json::to_value(&table).context("serializing an element reference")?;
        let v = self
            .client
            .execute(
                &format!("return {DATA_ROWS}(arguments[0]).map({ROW_TEXT});"),
                vec![arg],
            )
            .await
            .context("reading table rows")?;
        Ok(texts(&v))
    }

    /// For a table that renders only some of its rows (`aria-rowcount` above the rows in the
    /// page), all of its data rows, read as a user reads them: scrolling its box from the top
    /// to the bottom a screen at a time, each row taken by its `aria-rowindex`, then back to
    /// where it was. `None` for a table that has all its rows in the page.
    pub async fn windowed_rows(&self, table: &Element) -> Result<Option<Vec<String>>> {
        let arg = serde_json::to_value(table).context("serializing an element reference")?;
        let script = format!(
            r#"const [table, done] = [arguments[0], arguments[arguments.length - 1]];
            const rows = () => {DATA_ROWS}(table);
            const want = Number(table.getAttribute('aria-rowcount')) - table.querySelectorAll('thead tr:not([aria-hidden=true])').length;
            if (!(want > rows().length)) {{ done(null); return; }}
            let box = table.parentElement;
            while (box && !(box.scrollHeight > box.clientHeight && /auto|scroll/.test(getComputedStyle(box).overflowY))) box = box.parentElement;
            if (!box) {{ done(null); return; }}
            const seen = new Map();
            const from = box.scrollTop;
            const frames = (f) => requestAnimationFrame(() => requestAnimationFrame(f));
            const step = () => {{
              for (const r of rows()) seen.set(Number(r.getAttribute('aria-rowindex')), {ROW_TEXT}(r));
              if (seen.size >= want || box.scrollTop + box.clientHeight >= box.scrollHeight - 1) {{
                box.scrollTop = from;
                frames(() => done([...seen.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1])));
                return;
              }}
              box.scrollTop += Math.max(1, box.clientHeight - 40);
              frames(step);
            }};
            box.scrollTop = 0;
            frames(step);"#
        );
        let v = self
            .client
            .execute_async(&script, vec![arg])
            .await
            .context("reading a windowed table by scrolling it")?;
        Ok((!v.is_null()).then(|| texts(&v)))
    }

    /// Waits until [`Panel::row_texts`] satisfies `ok`.
    pub async fn row_texts_where(
        &self,
        table: &str,
        what: &str,
        ok: impl Fn(&[String]) -> bool,
    ) -> Result<Vec<String>> {
        let ok = &ok;
        eventually(&format!("the {table:?} rows to {what}"), || async move {
            judge_rows(self.row_texts(table).await.map_err(|e| e.to_string())?, ok)
        })
        .await
    }

    /// This tab's sessionStorage as (key, value) pairs.
    pub async fn session_storage(&self) -> Result<Vec<(String, String)>> {
        let v = self
            .js("return Object.keys(sessionStorage).map(k => [k, sessionStorage.getItem(k)]);")
            .await?;
        Ok(v.as_array()
            .map(|a| {
                a.iter()
                    .map(|kv| {
                        (
                            kv[0].as_str().unwrap_or_default().to_owned(),
                            kv[1].as_str().unwrap_or_default().to_owned(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default())
    }

    /// Opens a `<details>` by clicking its summary (by its text), as a user would.
    pub async fn open_details(&self, summary: &str) -> Result<()> {
        let xpath = format!(
            "//details[summary[normalize-space(.)={}]]",
            xpath_literal(summary)
        );
        let details = eventually(&format!("a details {summary:?}"), || {
            let xpath = xpath.clone();
            async move {
                self.client
                    .find(Locator::XPath(&xpath))
                    .await
                    .map_err(|e| e.to_string())
            }
        })
        .await?;
        if details.attr("open").await?.is_none() {
            let s = details.find(Locator::Css("summary")).await?;
            self.reveal(&s).await?;
            s.click().await.context("clicking the summary")?;
        }
        Ok(())
    }

    /// The visible text of the `<details>` whose summary reads `summary` (open it first).
    pub async fn details_text(&self, summary: &str) -> Result<String> {
        let xpath = format!(
            "//details[summary[normalize-space(.)={}]]",
            xpath_literal(summary)
        );
        let d = self.client.find(Locator::XPath(&xpath)).await?;
        Ok(d.text().await?)
    }
}

/// A script expression: the function giving a table's data rows (not in `<thead>`, not only
/// column headers, not `aria-hidden` spacers).
const DATA_ROWS: &str = "((t) => Array.from(t.querySelectorAll('tr'))\
    .filter(r => !r.closest('thead') && r.getAttribute('aria-hidden') !== 'true')\
    .filter(r => !Array.from(r.cells).every(c => c.tagName === 'TH' && c.getAttribute('scope') !== 'row')))";

/// A script expression: the function giving a data row's text as read: its visible text, then
/// the user ID a member row holds in `data-id` (the panel shows it on demand, by the row's
/// "Copy ID" button, rather than in a column), so tests find members by ID as before.
pub const ROW_TEXT: &str = "((r) => r.innerText + (r.dataset.id ? ' ' + r.dataset.id : ''))";

/// A JSON array of strings, whitespace collapsed.
fn texts(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|rows| {
            rows.iter()
                .map(|r| a11y::normalize(r.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}
