//! The panel's performance marks (User Timing, `src/browser/perf.rs`), read from the page:
//! `scripts/bench` measures between them, and a test checks they are still set.

use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use serde_json::Value;

use super::Panel;

/// Every mark the panel sets, in the order a load, review and save set them.
pub const PANEL_MARKS: &[&str] = &[
    "panel-ready",
    "group-load-sent",
    "group-load-shown",
    "review-diff-start",
    "review-diff-end",
    "save-click",
    "save-sent",
    "save-answered",
    "save-shown",
];

/// The marks of a person's page (People's index read, then the person's groups shown); a test
/// in tests/e2e/people.rs checks them.
pub const PEOPLE_MARKS: [&str; 2] = ["people-index-complete", "person-groups-shown"];

/// The marks around building the review of a change across a person's groups ("Remove from
/// all groups" and the like); the same test checks them.
pub const CROSS_REVIEW_MARKS: [&str; 2] = ["cross-review-start", "cross-review-end"];

impl Panel {
    /// The times (ms since navigation start) of every mark named `name`, oldest first.
    pub async fn marks(&self, name: &str) -> Result<Vec<f64>> {
        let name = serde_json::to_string(name)?;
        let v = self
            .js(&format!(
                "return performance.getEntriesByName({name}, 'mark').map(m => m.startTime);"
            ))
            .await?;
        Ok(match v {
            Value::Array(items) => items.iter().filter_map(Value::as_f64).collect(),
            _ => Vec::new(),
        })
    }

    /// Waits until there are more than `seen` marks named `name`, for at most `limit`
    /// (polling every 10 ms: the marks carry their own times, so polling adds nothing to them).
    pub async fn wait_marks(&self, name: &str, seen: usize, limit: Duration) -> Result<Vec<f64>> {
        let deadline = Instant::now() + limit;
        loop {
            let marks = self.marks(name).await?;
            if marks.len() > seen {
                return Ok(marks);
            }
            if Instant::now() > deadline {
                bail!("no new performance mark {name:?} within {limit:?} ({seen} before)");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
