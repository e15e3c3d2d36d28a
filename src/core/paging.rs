//! Paging through a SCIM list (RFC 7644 §3.4.2.4): where the next page starts, and how a page
//! is named on screen.

/// Where the next page starts after the page that began at `start` (1-based) and brought
/// `received` items, or `None` at the end of the list. A server may return fewer items than
/// asked, so the next page starts after what came back; with a `total`, the list ends past it.
/// Without one, `page_size` decides: `Some(count)`, a page shorter than the `count` asked is
/// the last (a screen that pages on request); `None`, only an empty page ends the list (a
/// listing that must be complete, even from a server that caps its pages below the count
/// asked). An empty page always ends the list, so a server that under-reports never loops.
pub fn next_start_index(
    start: u64,
    received: usize,
    total: Option<u64>,
    page_size: Option<u64>,
) -> Option<u64> {
    if received == 0 {
        return None;
    }
    let next = start.max(1) + received as u64;
    match (total, page_size) {
        (Some(total), _) => (next <= total).then_some(next),
        (None, Some(count)) => (received as u64 >= count).then_some(next),
        (None, None) => Some(next),
    }
}

/// "Groups 26–50 of 73" for a page starting at `start` (1-based) with `received` items.
pub fn page_range_text(start: u64, received: usize, total: Option<u64>) -> String {
    let start = start.max(1);
    let of = total.map(|t| format!(" of {t}")).unwrap_or_default();
    match received {
        0 if start == 1 => "No groups".to_string(),
        0 => match total {
            Some(t) => format!("No groups from number {start} on ({t} in all)"),
            None => format!("No groups from number {start} on"),
        },
        1 => format!("Group {start}{of}"),
        n => format!("Groups {start}–{}{of}", start + n as u64 - 1),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn a_page_at_a_time() {
        let next = |start, received, total| next_start_index(start, received, total, Some(25));
        assert_eq!(next(1, 25, Some(73)), Some(26));
        assert_eq!(next(51, 23, Some(73)), None);
        assert_eq!(
            next(51, 22, Some(73)),
            Some(73),
            "the last item is a page of its own"
        );
        assert_eq!(next(1, 3, Some(73)), Some(4), "short page");
        assert_eq!(next(1, 25, None), Some(26), "no total, full page");
        assert_eq!(next(26, 10, None), None, "no total, short page");
        assert_eq!(next(1, 0, Some(73)), None, "empty page ends");
        assert_eq!(next(0, 25, None), Some(26), "startIndex below 1 is 1");
    }

    #[test]
    fn a_whole_listing() {
        let next = |start, received, total| next_start_index(start, received, total, None);
        assert_eq!(next(1, 100, Some(250)), Some(101));
        assert_eq!(next(201, 50, Some(250)), None);
        assert_eq!(
            next(1, 40, Some(250)),
            Some(41),
            "short pages advance by what came"
        );
        assert_eq!(next(1, 0, Some(250)), None, "empty page ends");
        assert_eq!(next(1, 100, None), Some(101));
        assert_eq!(
            next(101, 40, None),
            Some(141),
            "no total: a short page is not the end"
        );
        assert_eq!(next(141, 0, None), None, "no total: an empty page is");
    }

    #[test]
    fn page_names() {
        assert_eq!(page_range_text(26, 25, Some(73)), "Groups 26–50 of 73");
        assert_eq!(page_range_text(1, 3, None), "Groups 1–3");
        assert_eq!(page_range_text(73, 1, Some(73)), "Group 73 of 73");
        assert_eq!(page_range_text(1, 0, None), "No groups");
        assert_eq!(
            page_range_text(76, 0, Some(73)),
            "No groups from number 76 on (73 in all)"
        );
        assert_eq!(page_range_text(26, 0, None), "No groups from number 26 on");
    }
}
