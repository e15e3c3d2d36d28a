//! Long member lists shown a window at a time: which members a filter keeps, and which rows
//! of the (filtered) list to render for a scroll position. Plain arithmetic on indices, so a
//! group of 50,000 costs the browser only the rows on screen.

use super::directory::fold;
use super::model::Member;
use std::ops::Range;

/// Up to this many rows a table renders them all, as a short table always has.
pub const RENDER_ALL_UP_TO: usize = 100;
/// The window moves in steps of this many rows, so scrolling re-renders once per step.
pub const STEP: usize = 10;
/// A row's height in CSS pixels until one has been measured (style/main.css sets it).
pub const ROW_PX: f64 = 44.0;
/// Rows assumed on screen when the scroll box's height is not given (style/main.css keeps it
/// under 640 px: at most 15 rows).
const ASSUMED_VISIBLE: usize = 20;

/// Whether a list of `total` rows is shown a window at a time.
pub fn is_windowed(total: usize) -> bool {
    total > RENDER_ALL_UP_TO
}

/// The rows to render (indices into the shown list) for a box scrolled `scroll_top` pixels
/// with `height` pixels visible and rows `row_px` high: the visible ones plus at least one
/// step either side, aligned to steps. Everything for a short list.
pub fn rows_to_render(total: usize, scroll_top: f64, height: f64, row_px: f64) -> Range<usize> {
    if !is_windowed(total) {
        return 0..total;
    }
    let row_px = if row_px.is_finite() && row_px >= 1.0 {
        row_px
    } else {
        ROW_PX
    };
    // `as` saturates: NaN and negatives give 0, huge values the largest usize.
    let first = ((scroll_top / row_px) as usize).min(total);
    let visible = if height.is_finite() && height >= 1.0 {
        (height / row_px).ceil() as usize + 1
    } else {
        ASSUMED_VISIBLE
    };
    let start = (first / STEP).saturating_sub(1) * STEP;
    let end = (first.saturating_add(visible) / STEP)
        .saturating_add(2)
        .saturating_mul(STEP);
    start.min(total)..end.min(total)
}

/// The heights in whole pixels of the empty space above and below the rendered rows, so the
/// scroll box is as tall as the whole list. Each is rounded once (never per row), so the
/// error stays under a pixel however long the list.
pub fn spacer_px(total: usize, rendered: &Range<usize>, row_px: f64) -> (u64, u64) {
    let row_px = if row_px.is_finite() && row_px >= 1.0 {
        row_px
    } else {
        ROW_PX
    };
    let px = |rows: usize| (rows as f64 * row_px).round() as u64;
    (px(rendered.start), px(total.saturating_sub(rendered.end)))
}

/// A member filter: the words typed, folded as the user search folds them (case and Latin
/// accents ignored). Every word must appear in the member's display or user ID (or, for a
/// member the panel knows, the directory's name or email).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MemberFilter {
    words: Vec<String>,
}

impl MemberFilter {
    pub fn new(query: &str) -> Self {
        Self {
            words: fold(query).split_whitespace().map(String::from).collect(),
        }
    }

    /// True when nothing was typed but spaces: every member is shown.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    pub fn matches(&self, member: &Member) -> bool {
        self.matches_known(member, None)
    }

    /// Like [`MemberFilter::matches`], also matching `known`: the directory's folded name and
    /// email for a member the panel knows (already folded, so this costs no more folding).
    pub fn matches_known(&self, member: &Member, known: Option<&str>) -> bool {
        let display = member.display.as_deref().unwrap_or_default();
        self.words.iter().all(|w| {
            contains_folded(display, w)
                || contains_folded(&member.value, w)
                || known.is_some_and(|k| k.contains(w.as_str()))
        })
    }

    /// The positions of the matching members, in order; `None` when the filter is empty.
    pub fn apply(&self, members: &[Member]) -> Option<Vec<usize>> {
        if self.is_empty() {
            return None;
        }
        let mut found = Vec::new();
        for (i, m) in members.iter().enumerate() {
            if self.matches(m) {
                found.push(i);
            }
        }
        Some(found)
    }
}

/// A cell of the member grid: its row in the shown list and its column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cell {
    pub row: usize,
    pub col: usize,
}

/// Rows PageUp and PageDown move in the member grid.
pub const GRID_PAGE: usize = 10;

/// Where a key moves the focus in a grid of `rows` × `cols` cells (WAI-ARIA grid keys:
/// arrows, Home/End in the row, Ctrl+Home/End to the first/last row, PageUp/PageDown by
/// [`GRID_PAGE`] rows); `None` for any other key, which the grid leaves to the browser.
pub fn grid_move(at: Cell, key: &str, ctrl: bool, rows: usize, cols: usize) -> Option<Cell> {
    if rows == 0 || cols == 0 {
        return None;
    }
    let (last_row, last_col) = (rows - 1, cols - 1);
    let at = Cell {
        row: at.row.min(last_row),
        col: at.col.min(last_col),
    };
    let row = |row: usize| Cell { row, ..at };
    let col = |col: usize| Cell { col, ..at };
    Some(match key {
        "ArrowUp" => row(at.row.saturating_sub(1)),
        "ArrowDown" => row((at.row + 1).min(last_row)),
        "ArrowLeft" => col(at.col.saturating_sub(1)),
        "ArrowRight" => col((at.col + 1).min(last_col)),
        "PageUp" => row(at.row.saturating_sub(GRID_PAGE)),
        "PageDown" => row(at.row.saturating_add(GRID_PAGE).min(last_row)),
        "Home" if ctrl => Cell { row: 0, col: 0 },
        "End" if ctrl => Cell {
            row: last_row,
            col: last_col,
        },
        "Home" => col(0),
        "End" => col(last_col),
        _ => return None,
    })
}

/// Whether `fold(hay)` contains `word` (already folded). ASCII text, nearly every email and
/// ID, is compared byte by byte without building the folded copy: at 50,000 members a
/// keystroke then allocates nothing.
fn contains_folded(hay: &str, word: &str) -> bool {
    if !hay.is_ascii() {
        return fold(hay).contains(word);
    }
    // Folding ASCII only lower-cases it, so a word with other letters cannot be in it.
    if !word.is_ascii() {
        return false;
    }
    let (hay, word) = (hay.as_bytes(), word.as_bytes());
    word.is_empty()
        || hay.windows(word.len()).any(|w| {
            w.iter()
                .zip(word)
                .all(|(h, c)| h.to_ascii_lowercase() == *c)
        })
}

/// 50000 → "50,000": counts as people read them.
pub fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the filter's count line says: "Showing 12 of 50,000 members."
pub fn showing_text(shown: usize, total: usize) -> String {
    format!(
        "Showing {} of {} member{}.{}",
        group_digits(shown),
        group_digits(total),
        if total == 1 { "" } else { "s" },
        // An empty result says what to do next.
        if shown == 0 && total > 0 {
            " None matches: change or clear the filter."
        } else {
            ""
        }
    )
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn m(value: &str, display: Option<&str>) -> Member {
        Member {
            value: value.into(),
            display: display.map(String::from),
        }
    }

    #[test]
    fn short_lists_render_whole() {
        assert_eq!(rows_to_render(0, 0.0, 500.0, 36.0), 0..0);
        assert_eq!(rows_to_render(58, 900.0, 500.0, 36.0), 0..58);
        assert_eq!(
            rows_to_render(RENDER_ALL_UP_TO, 0.0, 0.0, 0.0),
            0..RENDER_ALL_UP_TO
        );
    }

    #[test]
    fn long_lists_render_the_visible_rows_and_a_step_around() {
        // At the top: 0.., past the 14 visible rows by at least a step.
        let r = rows_to_render(50_000, 0.0, 500.0, 36.0);
        assert_eq!(r.start, 0);
        assert!(r.end >= 15 + STEP && r.end <= 100, "{r:?}");
        // Scrolled to row 1,000: a step above it is rendered too.
        let r = rows_to_render(50_000, 36_000.0, 500.0, 36.0);
        assert!(r.start <= 1000 - STEP && r.end >= 1015 + STEP, "{r:?}");
        assert!(r.len() <= 100, "{r:?}");
        // At the very end.
        let r = rows_to_render(50_000, 50_000.0 * 36.0 - 500.0, 500.0, 36.0);
        assert_eq!(r.end, 50_000);
        // Before the box is measured, and with nonsense from the browser.
        assert_eq!(rows_to_render(5000, 0.0, 0.0, 0.0).start, 0);
        let r = rows_to_render(5000, f64::NAN, f64::INFINITY, -3.0);
        assert!(r.start == 0 && !r.is_empty() && r.len() <= 100, "{r:?}");
        let r = rows_to_render(5000, 1e300, 500.0, 36.0);
        assert!(r.end == 5000 && r.start <= 5000, "{r:?}");
    }

    #[test]
    fn small_scrolls_keep_the_window() {
        // Within a step the window does not move, so nothing is re-rendered.
        let a = rows_to_render(50_000, 36.0 * 40.0, 500.0, 36.0);
        let b = rows_to_render(50_000, 36.0 * 41.0, 500.0, 36.0);
        assert_eq!(a, b);
    }

    #[test]
    fn spacers_make_up_the_rest_of_the_list() {
        let r = 40..120;
        assert_eq!(spacer_px(50_000, &r, 36.0), (1440, (50_000 - 120) * 36));
        // Fractional rows are rounded once, not per row.
        assert_eq!(
            spacer_px(50_000, &(10_000..10_060), 36.5),
            (365_000, 1_457_810)
        );
        assert_eq!(spacer_px(10, &(0..10), 36.0), (0, 0));
    }

    #[test]
    fn filter_folds_case_and_accents_and_needs_every_word() {
        let members = vec![
            m("3f2b8c1e-6a4d", Some("Zoë.Müller@blobsrus.co")),
            m("b1c2d3e4-f5a6", Some("ada@blobsrus.co")),
            m("opaque-7", None),
            m("c0ffee", Some("李 雷")),
        ];
        let ids = |q: &str| MemberFilter::new(q).apply(&members);
        assert_eq!(ids("zoe"), Some(vec![0]));
        assert_eq!(ids("MULLER blobsrus"), Some(vec![0]));
        assert_eq!(ids("müller"), Some(vec![0]));
        assert_eq!(ids("B1C2"), Some(vec![1]), "by user ID");
        assert_eq!(
            ids("ada b1c2"),
            Some(vec![1]),
            "words may match different fields"
        );
        assert_eq!(ids("opaque"), Some(vec![2]), "a member without display");
        assert_eq!(ids("李"), Some(vec![3]));
        assert_eq!(ids("blobsrus"), Some(vec![0, 1]));
        assert_eq!(ids("nobody"), Some(vec![]));
        assert_eq!(ids("  "), None);
        assert!(MemberFilter::new("").is_empty());
    }

    #[test]
    fn known_members_match_by_the_directory_name_too() {
        let ada = m("u1", Some("ada@blobsrus.co"));
        let f = MemberFilter::new("Lovelace");
        assert!(!f.matches(&ada));
        assert!(f.matches_known(&ada, Some("ada lovelace ada@blobsrus.co")));
        assert!(!MemberFilter::new("lovelace grace").matches_known(&ada, Some("ada lovelace")));
    }

    #[test]
    fn grid_keys_move_within_the_grid() {
        let at = |row, col| Cell { row, col };
        let go = |from, key, ctrl| grid_move(from, key, ctrl, 27, 4);
        assert_eq!(go(at(0, 1), "ArrowDown", false), Some(at(1, 1)));
        assert_eq!(
            go(at(0, 1), "ArrowUp", false),
            Some(at(0, 1)),
            "stays at the top"
        );
        assert_eq!(go(at(26, 3), "ArrowDown", false), Some(at(26, 3)));
        assert_eq!(go(at(5, 3), "ArrowRight", false), Some(at(5, 3)));
        assert_eq!(go(at(5, 3), "ArrowLeft", false), Some(at(5, 2)));
        assert_eq!(go(at(5, 2), "Home", false), Some(at(5, 0)));
        assert_eq!(go(at(5, 0), "End", false), Some(at(5, 3)));
        assert_eq!(go(at(5, 2), "Home", true), Some(at(0, 0)));
        assert_eq!(go(at(5, 2), "End", true), Some(at(26, 3)));
        assert_eq!(go(at(5, 2), "PageDown", false), Some(at(15, 2)));
        assert_eq!(go(at(20, 2), "PageDown", false), Some(at(26, 2)));
        assert_eq!(go(at(5, 2), "PageUp", false), Some(at(0, 2)));
        assert_eq!(go(at(5, 2), "Tab", false), None, "Tab leaves the grid");
        assert_eq!(go(at(5, 2), " ", false), None);
        // A cell past a list that shrank comes back into it.
        assert_eq!(go(at(90, 9), "ArrowUp", false), Some(at(25, 3)));
        assert_eq!(grid_move(at(0, 0), "ArrowDown", false, 0, 4), None);
    }

    #[test]
    fn counts_read_as_people_write_them() {
        assert_eq!(group_digits(0), "0");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(1000), "1,000");
        assert_eq!(group_digits(50_000), "50,000");
        assert_eq!(group_digits(1_234_567), "1,234,567");
        assert_eq!(showing_text(12, 50_000), "Showing 12 of 50,000 members.");
        assert_eq!(showing_text(1, 1), "Showing 1 of 1 member.");
        assert_eq!(
            showing_text(0, 3),
            "Showing 0 of 3 members. None matches: change or clear the filter."
        );
    }

    fn member_strategy() -> impl Strategy<Value = Member> {
        (
            "[a-zA-Z0-9-]{1,12}",
            proptest::option::of("[a-zA-ZÀ-ÿ .@李Ωé\u{301}]{0,16}"),
        )
            .prop_map(|(value, display)| Member { value, display })
    }

    proptest! {
        #[test]
        fn the_window_covers_the_screen_and_stays_in_the_list(
            total in 0usize..200_000,
            scroll_rows in 0usize..200_000,
            height in 0.0f64..3000.0,
            row_px in 1.0f64..80.0,
        ) {
            let scroll_top = scroll_rows as f64 * row_px;
            let r = rows_to_render(total, scroll_top, height, row_px);
            prop_assert!(r.start <= r.end && r.end <= total);
            if is_windowed(total) {
                // Every row on screen is rendered, with a step to spare below it.
                let first = scroll_rows.min(total);
                let last = (first + (height / row_px).ceil() as usize).min(total);
                prop_assert!(r.start <= first, "{:?} misses row {}", r, first);
                prop_assert!(r.end >= (last + STEP).min(total), "{:?} misses row {}", r, last);
                // Under a pixel high, the box's height counts as unknown: ASSUMED_VISIBLE rows.
                let visible = if height >= 1.0 {
                    (height / row_px).ceil() as usize + 1
                } else {
                    ASSUMED_VISIBLE
                };
                prop_assert!(r.len() <= visible + 4 * STEP);
                let (above, below) = spacer_px(total, &r, row_px);
                let all = (total as f64 * row_px).round();
                let sum = above as f64 + below as f64 + r.len() as f64 * row_px;
                prop_assert!((sum - all).abs() <= 1.5, "{} vs {}", sum, all);
            } else {
                prop_assert_eq!(r, 0..total);
            }
        }

        #[test]
        fn filter_positions_are_the_matching_members_in_order(
            members in proptest::collection::vec(member_strategy(), 0..60),
            query in "[a-zA-Zé李 ]{0,6}",
        ) {
            let filter = MemberFilter::new(&query);
            match filter.apply(&members) {
                None => prop_assert!(query.trim().is_empty()),
                Some(found) => {
                    prop_assert!(found.windows(2).all(|w| w[0] < w[1]));
                    // The fast comparison agrees with folding both sides.
                    let words: Vec<String> = fold(&query).split_whitespace().map(String::from).collect();
                    let slow: Vec<usize> = members.iter().enumerate().filter(|(_, m)| {
                        let d = fold(m.display.as_deref().unwrap_or_default());
                        let v = fold(&m.value);
                        words.iter().all(|w| d.contains(w.as_str()) || v.contains(w.as_str()))
                    }).map(|(i, _)| i).collect();
                    prop_assert_eq!(&found, &slow);
                }
            }
        }
    }
}
