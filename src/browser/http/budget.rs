//! Waiting before a request: the tab's request budget, and the retries of reads the server
//! refused with 429. Each wait is told, with the seconds left, to whoever registered with
//! [`on_wait_text`] (the app-wide wait line, in the state layer), and can be stopped with
//! [`cancel_waits`].

use super::transport::{Answer, Outgoing, Sender};
use crate::browser::{config, time};
use crate::core::error::{ApiError, ErrorKind, Operation};
use crate::core::rate_budget::RateBudget;
use crate::core::retry::{self, ceil_seconds, Next, Waiting};
use std::cell::{Cell, RefCell};
use web_sys::{AbortController, AbortSignal};

/// Hears what requests wait for (see [`on_wait_text`]).
type Listener = Box<dyn Fn(String)>;

thread_local! {
    /// The request budget, shared by every client of this tab.
    static BUDGET: RefCell<Option<RateBudget>> = const { RefCell::new(None) };
    /// "Cancel waiting" aborts this; the next wait makes a new one.
    static WAITS: RefCell<Option<Option<AbortController>>> = const { RefCell::new(None) };
    /// Waits under way, so the text clears only when the last one ends.
    static WAITING: Cell<u32> = const { Cell::new(0) };
    /// Who hears what requests are waiting for (empty: nothing).
    static LISTENER: RefCell<Option<Listener>> = const { RefCell::new(None) };
}

/// Makes `listener` hear what requests wait for, as a sentence with the seconds left, and ""
/// when no request waits any more. One listener: a later call replaces it.
pub fn on_wait_text(listener: impl Fn(String) + 'static) {
    LISTENER.with(|l| *l.borrow_mut() = Some(Box::new(listener)));
}

/// Stops every wait under way (rate limit, budget); their requests fail as "cancelled".
pub fn cancel_waits() {
    if let Some(Some(c)) = WAITS.with(|w| w.borrow_mut().take()) {
        c.abort();
    }
}

fn tell(text: String) {
    LISTENER.with(|l| {
        if let Some(listener) = l.borrow().as_ref() {
            listener(text);
        }
    });
}

impl Sender<'_> {
    /// Sends `out` within the request budget and returns the 2xx answer; anything else is an
    /// [`ApiError`]. Reads refused with 429 are sent again after the server's `Retry-After` or
    /// a backoff, within [`retry::READS`]; a save (and its check) is sent once, and its 429
    /// goes to the admin with the wait.
    pub(super) async fn send(&self, out: &Outgoing<'_>) -> Result<Answer, ApiError> {
        let op = out.op;
        let retried = !matches!(
            op,
            Operation::SaveGroup | Operation::CheckGroup | Operation::CheckName
        );
        let mut attempt = 1;
        loop {
            self.within_budget(op).await?;
            let result = self.send_once(out).await;
            let server_wait = match &result {
                Err(ApiError {
                    kind: ErrorKind::RateLimited { wait_seconds },
                    ..
                }) if retried => wait_seconds.map(|s| s * 1000),
                _ => return result,
            };
            let wait = match retry::READS.next(attempt, server_wait, js_sys::Math::random()) {
                Next::Wait(ms) => ms,
                Next::Stop => return result,
            };
            attempt += 1;
            let of = retry::READS.max_attempts;
            self.pause(op, wait, Waiting::RateLimited { attempt, of })
                .await?;
        }
    }

    /// Waits, when needed, until the request budget has room.
    async fn within_budget(&self, op: Operation) -> Result<(), ApiError> {
        let limit = config::current().requests_per_minute;
        loop {
            let taken = BUDGET.with(|b| {
                b.borrow_mut()
                    .get_or_insert_with(|| RateBudget::per_minute(limit))
                    .try_take(time::now_ms())
            });
            match taken {
                Ok(()) => return Ok(()),
                Err(wait) => {
                    self.pause(op, wait, Waiting::Budget { per_minute: limit })
                        .await?
                }
            }
        }
    }

    /// Waits `ms`, telling why with the seconds left. Stopped by [`cancel_waits`] or by the
    /// screen going: a retryable "cancelled" error.
    async fn pause(&self, op: Operation, ms: u64, why: Waiting) -> Result<(), ApiError> {
        let cancel = WAITS.with(|w| {
            w.borrow_mut()
                .get_or_insert_with(|| AbortController::new().ok())
                .as_ref()
                .map(AbortController::signal)
        });
        let stops: Vec<&AbortSignal> = cancel.iter().chain(self.stop).collect();
        let until = time::now_ms() + ms;
        WAITING.with(|n| n.set(n.get() + 1));
        let outcome = loop {
            if stops.iter().any(|s| s.aborted()) {
                break Err(ApiError::without_answer(op, ErrorKind::Cancelled));
            }
            let left = until.saturating_sub(time::now_ms());
            if left == 0 {
                break Ok(());
            }
            tell(why.text(ceil_seconds(left)));
            // To the next whole second, so the countdown ticks on time.
            time::sleep((left - 1) % 1000 + 1, &stops).await;
        };
        WAITING.with(|n| n.set(n.get().saturating_sub(1)));
        if WAITING.with(Cell::get) == 0 {
            tell(String::new());
        }
        outcome
    }
}
