//! Host tests of the outbox: a fake clock and scripted server answers, every decision replayable.

use super::*;
use std::collections::{BTreeMap, HashMap, HashSet};

const T0: f64 = 1_795_392_993_123.0; // 2026-11-23T00:16:33.123Z
const PAGE_HIDE: Mode = Mode::PageHide { budget_bytes: 64 * 1024 };

/// The batching numbers before phase 2 (20 events / 32 KiB / 1 s), for the batching-delay and
/// keepalive-budget tests: small numbers make the arithmetic readable.
const WAITING: Config = Config { max_batch_count: 20, max_batch_bytes: 32 * 1024, flush_interval_ms: 1000.0, ..Config::DEFAULT };

fn outbox(config: Config) -> Outbox<SegmentWire> {
    Outbox::new(config, SegmentWire::new("WK", crate::core::time::REFERENCE))
}

fn body(id: &str) -> String {
    let mut b = String::from("{\"type\":\"track\",\"messageId\":\"");
    b.push_str(id);
    b.push_str("\"}");
    b
}

/// A JSON object body of exactly `len` bytes.
fn sized(len: usize) -> String {
    let mut b = String::from("{\"p\":\"");
    b.push_str(&"x".repeat(len - 8));
    b.push_str("\"}");
    b
}

fn enqueue(o: &mut Outbox<SegmentWire>, id: &str, now: f64) {
    o.enqueue(id.to_owned(), body(id), now);
}

/// A tab's per-event keys as the store holds them: messageId → stored value.
type Stored = BTreeMap<String, String>;

/// Applies the outbox's changes to `stored`; returns how many writes and removals it took.
fn persist(o: &mut Outbox<SegmentWire>, stored: &mut Stored) -> (usize, usize) {
    let changes = o.take_changes();
    for id in &changes.removed {
        stored.remove(id);
    }
    let writes = changes.saved.len();
    stored.extend(changes.saved);
    (writes, changes.removed.len())
}

fn restore(o: &mut Outbox<SegmentWire>, stored: &Stored, now: f64) -> usize {
    o.restore_items(stored.values().map(String::as_str), now)
}

fn ok() -> Outcome {
    Outcome::Status(200, None)
}

fn reasons(o: &mut Outbox<SegmentWire>) -> Vec<(String, DropReason)> {
    o.take_diagnostics().into_iter().map(|d| (d.message_id, d.reason)).collect()
}

#[test]
fn every_status_row_through_the_outbox() {
    // (status, delivered, dropped, still queued)
    let rows: &[(u16, u64, u64, usize)] = &[
        (200, 1, 0, 0), (204, 1, 0, 0), (302, 1, 0, 0),
        (400, 0, 1, 0), (401, 0, 1, 0), (413, 0, 1, 0),
        (408, 0, 0, 1), (410, 0, 0, 1), (429, 0, 0, 1), (460, 0, 0, 1),
        (500, 0, 0, 1), (502, 0, 0, 1), (503, 0, 0, 1), (504, 0, 0, 1),
        (501, 0, 1, 0), (505, 0, 1, 0), (511, 0, 1, 0),
    ];
    for &(code, delivered, dropped, queued) in rows {
        let mut o = outbox(Config::DEFAULT);
        enqueue(&mut o, "m1", T0);
        let t = o.poll_transmit(T0, Mode::Flush).expect("a transmit");
        o.on_response(t.id, Outcome::Status(code, None), T0 + 10.0, 0.0);
        let s = o.state();
        assert_eq!((s.delivered, s.dropped.total(), s.pending, s.in_flight), (delivered, dropped, queued, 0), "{code}");
        if dropped == 1 {
            assert_eq!(reasons(&mut o), [("m1".to_owned(), DropReason::Rejected(code))], "{code}");
        }
    }
}

#[test]
fn server_errors_back_off_exponentially_with_exact_delays() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    let mut now = T0;
    let mut delays = Vec::new();
    for _ in 0..9 {
        let t = o.poll_transmit(now, Mode::Flush).expect("due");
        o.on_response(t.id, Outcome::Status(500, None), now, 0.5);
        let due = o.poll_timeout().expect("a deadline");
        assert!(o.poll_transmit(due - 1.0, Mode::Normal).is_none(), "not before the deadline");
        delays.push(due - now);
        now = due;
    }
    assert_eq!(delays, [450.0, 900.0, 1800.0, 3600.0, 7200.0, 14400.0, 28800.0, 54000.0, 54000.0]);
}

#[test]
fn resent_events_carry_their_retry_count_alone_and_in_batches() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    let first = o.poll_transmit(T0, Mode::Flush).expect("due");
    assert!(!first.body.contains("retryCount"));
    o.on_response(first.id, Outcome::Status(500, None), T0, 0.0);
    let second = o.poll_transmit(T0 + 500.0, Mode::Flush).expect("due");
    assert!(second.body.contains("\"retryCount\":2"), "{}", second.body);
    o.on_response(second.id, Outcome::Status(500, None), T0 + 500.0, 0.0);
    enqueue(&mut o, "m2", T0 + 1500.0);
    let batch = o.poll_transmit(T0 + 1500.0, Mode::Flush).expect("due");
    assert_eq!((batch.url_path, batch.message_ids.len()), ("/b", 2));
    assert_eq!(batch.body.matches("\"retryCount\":3").count(), 1, "{}", batch.body);
    assert_eq!(batch.body.matches("retryCount").count(), 1, "{}", batch.body);
}

#[test]
fn retries_stop_after_max_attempts_with_a_diagnostic() {
    let mut o = outbox(Config { max_attempts: 3, ..Config::DEFAULT });
    enqueue(&mut o, "m1", T0);
    let mut now = T0;
    for _ in 0..3 {
        let t = o.poll_transmit(now, Mode::Flush).expect("due");
        o.on_response(t.id, Outcome::Status(503, None), now, 0.0);
        now = o.poll_timeout().unwrap_or(now);
    }
    assert_eq!(o.state().dropped.retries_exhausted, 1);
    assert_eq!(reasons(&mut o), [("m1".to_owned(), DropReason::RetriesExhausted)]);
    assert!(o.poll_timeout().is_none());
}

#[test]
fn retry_after_is_honoured_capped_and_blocks_everything_on_429() {
    let rows: &[(u16, Option<u32>, f64, bool)] = &[
        (429, Some(2), 2000.0, true),
        (429, Some(400), 300_000.0, true),
        (429, None, 500.0, true),
        (503, Some(7), 7000.0, true),
        (503, None, 500.0, false),
    ];
    for &(code, retry_after, delay, blocks_others) in rows {
        let mut o = outbox(Config::DEFAULT);
        enqueue(&mut o, "m1", T0);
        let t = o.poll_transmit(T0, Mode::Flush).expect("due");
        o.on_response(t.id, Outcome::Status(code, retry_after), T0, 0.0);
        assert_eq!(o.poll_timeout(), Some(T0 + delay), "{code} {retry_after:?}");
        enqueue(&mut o, "m2", T0);
        let other = o.poll_transmit(T0 + 1.0, Mode::Flush);
        assert_eq!(other.is_none(), blocks_others, "{code} {retry_after:?}");
        if let Some(other) = other {
            assert_eq!(other.message_ids, ["m2"]);
            o.on_response(other.id, ok(), T0 + 1.0, 0.0);
        }
        let page_hide = o.poll_transmit(T0 + 2.0, PAGE_HIDE);
        assert!(!blocks_others || page_hide.is_none(), "page hide respects the server's wish");
        let later = o.poll_transmit(T0 + delay, Mode::Flush).expect("due again");
        assert!(later.message_ids.contains(&"m1".to_owned()));
    }
}

#[test]
fn network_errors_back_off_without_consuming_attempts() {
    let mut o = outbox(Config { max_attempts: 2, ..Config::DEFAULT });
    enqueue(&mut o, "m1", T0);
    let mut now = T0;
    let mut delays = Vec::new();
    for _ in 0..30 {
        let t = o.poll_transmit(now, Mode::Flush).expect("due");
        o.on_response(t.id, Outcome::NetworkError, now, 0.0);
        let due = o.poll_timeout().expect("deadline");
        delays.push(due - now);
        now = due;
    }
    assert_eq!(&delays[..9], [500.0, 1000.0, 2000.0, 4000.0, 8000.0, 16000.0, 32000.0, 60000.0, 60000.0]);
    assert_eq!(o.state().dropped.total(), 0);
    let t = o.poll_transmit(now, Mode::Flush).expect("still queued");
    o.on_response(t.id, ok(), now, 0.0);
    assert_eq!(o.state().delivered, 1);
}

#[test]
fn offline_pauses_and_online_resumes_at_once() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    let t = o.poll_transmit(T0, Mode::Flush).expect("due");
    o.on_response(t.id, Outcome::Offline, T0, 0.0);
    assert!(o.state().offline);
    assert_eq!(o.poll_timeout(), None);
    assert!(o.poll_transmit(T0 + 5000.0, Mode::Flush).is_none());
    assert!(o.poll_transmit(T0 + 5000.0, PAGE_HIDE).is_none());
    o.set_online(true);
    let t = o.poll_transmit(T0 + 5000.0, Mode::Normal).expect("resumes at once");
    assert_eq!(t.message_ids, ["m1"]);
    o.set_online(false);
    o.on_response(t.id, ok(), T0 + 5001.0, 0.0);
    assert_eq!(o.state().delivered, 1);
}

#[test]
fn going_online_ends_network_backoff() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    for _ in 0..5 {
        let now = o.poll_timeout().unwrap_or(T0);
        let t = o.poll_transmit(now, Mode::Flush).expect("due");
        o.on_response(t.id, Outcome::NetworkError, now, 0.0);
    }
    let backed_off = o.poll_timeout().expect("deadline");
    o.set_online(true);
    assert!(o.poll_timeout().expect("deadline") < backed_off);
}

#[test]
fn retention_drops_events_after_seven_days() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    o.set_online(false);
    let week = 7.0 * 24.0 * 3600.0 * 1000.0;
    o.on_timeout(T0 + week - 1.0);
    assert_eq!(o.state().pending, 1);
    o.on_timeout(T0 + week);
    assert_eq!(o.state().pending, 0);
    assert_eq!(o.state().dropped.expired, 1);
    assert_eq!(reasons(&mut o), [("m1".to_owned(), DropReason::Expired)]);
    assert!(o.needs_persist());
}

#[test]
fn queue_cap_overflow_drops_the_oldest_with_diagnostics() {
    let mut o = outbox(Config { max_queue_items: 3, ..Config::DEFAULT });
    for id in ["m1", "m2", "m3", "m4", "m5"] {
        enqueue(&mut o, id, T0);
    }
    assert_eq!(o.state().pending, 3);
    let dropped = reasons(&mut o);
    assert_eq!(dropped, [("m1".to_owned(), DropReason::QueueFull), ("m2".to_owned(), DropReason::QueueFull)]);
    let t = o.poll_transmit(T0, Mode::Flush).expect("due");
    assert_eq!(t.message_ids, ["m3", "m4", "m5"]);
}

#[test]
fn events_over_32_kb_are_dropped_at_enqueue() {
    let mut o = outbox(Config::DEFAULT);
    o.enqueue("big".to_owned(), sized(32_001), T0);
    o.enqueue("ok".to_owned(), sized(32_000), T0);
    assert_eq!(o.state().pending, 1);
    assert_eq!(reasons(&mut o), [("big".to_owned(), DropReason::TooLarge)]);
}

#[test]
fn batches_wait_for_company_until_the_interval_or_a_full_batch() {
    let mut o = outbox(WAITING);
    enqueue(&mut o, "m0", T0);
    enqueue(&mut o, "m1", T0 + 1.0);
    assert!(o.poll_transmit(T0 + 999.0, Mode::Normal).is_none());
    assert_eq!(o.poll_timeout(), Some(T0 + 1000.0));
    let t = o.poll_transmit(T0 + 1000.0, Mode::Normal).expect("interval reached");
    assert_eq!((t.url_path, t.keepalive, t.timeout_ms), ("/t", true, 10_000.0));
    assert_eq!(t.message_ids, ["m0"], "m1's own delay is not over");
    assert_eq!(
        t.body,
        concat!(
            r#"{"type":"track","messageId":"m0","_metadata":{"bundled":["Segment.io"],"#,
            r#""unbundled":[],"bundledIds":[]},"sentAt":"2026-11-23T00:16:34.123Z"}"#
        )
    );
    o.on_response(t.id, ok(), T0 + 1000.0, 0.0);
    let t = o.poll_transmit(T0 + 1001.0, Mode::Flush).expect("m1");
    o.on_response(t.id, ok(), T0 + 1001.0, 0.0);
    for i in 0..20 {
        enqueue(&mut o, &i.to_string(), T0 + 2000.0);
    }
    assert_eq!(o.poll_timeout(), Some(T0 + 2000.0), "a full batch is due now");
    let t = o.poll_transmit(T0 + 2000.0, Mode::Normal).expect("full batch goes at once");
    assert_eq!(t.message_ids.len(), 20);
}

#[test]
fn by_default_an_idle_outbox_sends_at_once_and_a_busy_one_batches_what_arrives_meanwhile() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "first", T0);
    assert_eq!(o.poll_timeout(), Some(T0));
    let t = o.poll_transmit(T0, Mode::Normal).expect("no batching delay");
    assert_eq!((t.url_path, t.message_ids.as_slice()), ("/t", ["first".to_owned()].as_slice()));
    for i in 0..1200 {
        o.enqueue(i.to_string(), sized(700), T0 + 1.0);
    }
    assert!(o.poll_transmit(T0 + 1.0, Mode::Normal).is_none(), "one request at a time");
    assert_eq!(o.poll_timeout(), None, "only the answer makes progress");
    o.on_response(t.id, ok(), T0 + 5.0, 0.0);
    let mut sizes = Vec::new();
    while let Some(t) = o.poll_transmit(T0 + 5.0, Mode::Normal) {
        assert_eq!(t.url_path, "/b");
        assert!(t.body.len() <= 500_000, "{} bytes", t.body.len());
        assert_eq!(t.keepalive, t.body.len() <= 32 * 1024);
        sizes.push(t.message_ids.len());
        o.on_response(t.id, ok(), T0 + 6.0, 0.0);
    }
    assert_eq!(sizes, [500, 500, 200], "the burst left in three requests");
}

#[test]
fn standard_mode_posts_one_event_per_type_path_with_sent_at() {
    let mut o = outbox(Config { batching: false, ..Config::DEFAULT });
    let rows = [("track", "/t"), ("page", "/p"), ("identify", "/i"), ("group", "/g"), ("alias", "/a"), ("screen", "/s"), ("odd", "/t")];
    for (i, (kind, _)) in rows.iter().enumerate() {
        let mut b = String::from("{\"type\":\"");
        b.push_str(kind);
        b.push_str("\"}");
        o.enqueue(i.to_string(), b, T0);
    }
    for (kind, path) in rows {
        let t = o.poll_transmit(T0, PAGE_HIDE).expect("one per event");
        assert_eq!(t.url_path, path, "{kind}");
        assert!(t.body.ends_with(r#""bundledIds":[]},"sentAt":"2026-11-23T00:16:33.123Z"}"#));
        assert_eq!(t.message_ids.len(), 1);
    }
}

#[test]
fn page_hide_splits_within_the_keepalive_budget_and_keeps_the_rest() {
    let mut o = outbox(WAITING);
    for i in 0..10 {
        o.enqueue(i.to_string(), sized(10_000), T0);
    }
    let normal = o.poll_transmit(T0 + 1000.0, Mode::Normal).expect("normal batch");
    assert_eq!((normal.message_ids.len(), normal.keepalive), (3, true));
    let mut budget_used = normal.body.len();
    let mut sent = normal.message_ids.len();
    while let Some(t) = o.poll_transmit(T0 + 1001.0, PAGE_HIDE) {
        assert!(t.keepalive);
        budget_used += t.body.len();
        sent += t.message_ids.len();
    }
    assert!(budget_used <= 64 * 1024, "{budget_used}");
    assert_eq!(sent, 6);
    assert_eq!(o.state().pending, 4, "what does not fit stays queued");
    o.on_response(normal.id, ok(), T0 + 1002.0, 0.0);
    let t = o.poll_transmit(T0 + 1003.0, PAGE_HIDE).expect("budget freed by the answer");
    assert_eq!(t.message_ids.len(), 3);
}

#[test]
fn normal_requests_too_big_for_the_keepalive_room_go_without_keepalive() {
    let mut o = outbox(Config { max_in_flight: 3, ..WAITING });
    for i in 0..6 {
        o.enqueue(i.to_string(), sized(30_000), T0);
    }
    let keepalive: Vec<bool> = (0..3).filter_map(|_| o.poll_transmit(T0 + 1000.0, Mode::Normal)).map(|t| t.keepalive).collect();
    assert_eq!(keepalive, [true, true, false]);
}

/// Normal requests use keepalive only up to half the 64 KiB budget, so a page-hide flush always
/// finds at least half of it free.
#[test]
fn normal_requests_over_half_the_keepalive_budget_go_without_keepalive_but_page_hide_may_use_it_all() {
    let mut o = outbox(Config::DEFAULT);
    o.enqueue("a".into(), sized(20_000), T0);
    o.enqueue("b".into(), sized(20_000), T0);
    let t = o.poll_transmit(T0, Mode::Normal).expect("both");
    assert!(t.body.len() > 32 * 1024 && !t.keepalive);
    o.on_response(t.id, ok(), T0, 0.0);
    o.enqueue("c".into(), sized(20_000), T0);
    o.enqueue("d".into(), sized(20_000), T0);
    let t = o.poll_transmit(T0, PAGE_HIDE).expect("both, on page hide");
    assert!(t.body.len() > 32 * 1024 && t.keepalive);
}

#[test]
fn no_event_is_ever_in_two_unanswered_transmits() {
    let mut o = outbox(Config { max_in_flight: 4, max_batch_count: 3, ..Config::DEFAULT });
    for i in 0..10 {
        enqueue(&mut o, &i.to_string(), T0);
    }
    let mut seen = HashSet::new();
    let modes = [Mode::Normal, Mode::Flush, PAGE_HIDE, Mode::Normal, PAGE_HIDE, PAGE_HIDE];
    for mode in modes {
        while let Some(t) = o.poll_transmit(T0 + 1000.0, mode) {
            for id in t.message_ids {
                assert!(seen.insert(id), "sent twice while unanswered");
            }
        }
    }
    assert_eq!(seen.len(), 10);
    assert_eq!(o.state().in_flight, 10);
}

#[test]
fn stale_and_unknown_answers_are_ignored() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    let t = o.poll_transmit(T0, Mode::Flush).expect("due");
    o.on_response(t.id + 1, ok(), T0, 0.0);
    o.on_response(t.id, ok(), T0, 0.0);
    o.on_response(t.id, Outcome::Status(400, None), T0, 0.0);
    assert_eq!((o.state().delivered, o.state().dropped.total()), (1, 0));
}

#[test]
fn persist_and_restore_round_trip_with_the_golden_text() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    enqueue(&mut o, "m2", T0 + 5.0);
    let t = o.poll_transmit(T0 + 5.0, Mode::Flush).expect("due");
    assert_eq!(t.message_ids, ["m1", "m2"]);
    o.on_response(t.id, Outcome::Status(500, None), T0 + 10.0, 0.0);
    enqueue(&mut o, "m3", T0 + 20.0);
    let in_flight = o.poll_transmit(T0 + 100.0, PAGE_HIDE).expect("m3 goes out");
    assert_eq!(in_flight.message_ids, ["m3"]);
    assert!(o.needs_persist());
    let mut stored = Stored::new();
    persist(&mut o, &mut stored);
    assert!(!o.needs_persist());
    let golden = [
        "1795392993123\t1\t1795392993633\t\"m1\"\t{\"type\":\"track\",\"messageId\":\"m1\"}",
        "1795392993128\t1\t1795392993633\t\"m2\"\t{\"type\":\"track\",\"messageId\":\"m2\"}",
        "1795392993143\t0\t1795393003223\t\"m3\"\t{\"type\":\"track\",\"messageId\":\"m3\"}",
    ];
    assert_eq!(stored.values().collect::<Vec<_>>(), golden);
    assert_eq!(stored.keys().collect::<Vec<_>>(), ["m1", "m2", "m3"]);

    // The page reloads while m3 is in flight: the next page resends m1 and m2 at once, and m3
    // (whose keepalive request may still be running) only once that request's timeout is over.
    let mut next = outbox(Config::DEFAULT);
    assert_eq!(restore(&mut next, &stored, T0 + 2000.0), 3);
    assert_eq!(restore(&mut next, &stored, T0 + 2000.0), 0, "restoring twice adds nothing");
    let t = next.poll_transmit(T0 + 2000.0, Mode::Normal).expect("due after reload");
    assert_eq!(t.message_ids, ["m1", "m2"]);
    assert!(t.body.contains("{\"type\":\"track\",\"messageId\":\"m1\",\"_metadata\":"));
    next.on_response(t.id, ok(), T0 + 2010.0, 0.0);
    assert!(next.poll_transmit(T0 + 2010.0, PAGE_HIDE).is_none(), "not even on page hide");
    assert_eq!(next.poll_timeout(), Some(T0 + 10_100.0));
    let t = next.poll_transmit(T0 + 10_100.0, Mode::Normal).expect("guard over");
    assert_eq!(t.message_ids, ["m3"]);
    next.on_response(t.id, ok(), T0 + 10_110.0, 0.0);
    persist(&mut next, &mut stored);
    assert!(stored.is_empty());
}

#[test]
fn persisting_writes_only_what_changed() {
    let mut o = outbox(Config { flush_interval_ms: 0.0, max_batch_count: 500, max_batch_bytes: 500_000, ..Config::DEFAULT });
    let mut stored = Stored::new();
    for i in 0..2000 {
        enqueue(&mut o, &i.to_string(), T0);
    }
    let t = o.poll_transmit(T0, Mode::Normal).expect("a batch");
    assert_eq!(t.message_ids.len(), 500);
    assert_eq!(persist(&mut o, &mut stored), (2000, 0), "one write per new event, guard included");
    assert_eq!(persist(&mut o, &mut stored), (0, 0), "nothing changed, nothing written");
    o.on_response(t.id, ok(), T0 + 5.0, 0.0);
    let t = o.poll_transmit(T0 + 5.0, Mode::Normal).expect("the next batch");
    assert_eq!(persist(&mut o, &mut stored), (500, 500), "500 delivered removed, 500 launched rewritten");
    assert_eq!(stored.len(), 1500);
    o.on_response(t.id, Outcome::Status(503, None), T0 + 10.0, 0.0);
    assert_eq!(persist(&mut o, &mut stored), (500, 0), "a retry rewrites only its own events");
    assert!(stored.values().filter(|v| v.contains("\t1\t")).count() >= 500);
}

#[test]
fn restore_ignores_junk_and_reports_unreadable_values() {
    let mut o = outbox(Config::DEFAULT);
    let values = ["[{\"id\":1}]", "broken", "wa-queue\t1\n1795392993123\t0\t0\t\"a\"\t{}\n", "1795392993123\t0\t0\t\"a\"\t{}"];
    assert_eq!(o.restore_items(values, T0), 1);
    assert_eq!(o.state().dropped.unreadable, 3);
    assert_eq!(o.state().pending, 1);
}

#[test]
fn adopted_events_merge_in_age_order_and_expired_ones_drop() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "mine", T0);
    let orphan = ["1795392990000\t0\t0\t\"older\"\t{}", "1000\t0\t0\t\"ancient\"\t{}", "junk"];
    assert_eq!(o.restore_items(orphan, T0 + 1.0), 2);
    assert_eq!(o.state().dropped.unreadable, 1);
    let got: Vec<_> = reasons(&mut o).into_iter().filter(|(_, r)| *r != DropReason::Unreadable).collect();
    assert_eq!(got, [("ancient".to_owned(), DropReason::Expired)]);
    let t = o.poll_transmit(T0 + 1000.0, Mode::Normal).expect("due");
    assert_eq!(t.message_ids, ["older", "mine"]);
}

#[test]
fn handing_over_forgets_everything_and_ignores_late_answers() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", T0);
    enqueue(&mut o, "m2", T0);
    let t = o.poll_transmit(T0, Mode::Flush).expect("due");
    assert_eq!(o.hand_over_all(), 2);
    o.on_response(t.id, ok(), T0, 0.0);
    let s = o.state();
    assert_eq!((s.pending, s.in_flight, s.delivered, s.dropped.total()), (0, 0, 0, 0));
    let changes = o.take_changes();
    assert_eq!((changes.removed, changes.saved), (vec!["m1".to_owned(), "m2".to_owned()], vec![]));
    enqueue(&mut o, "m3", T0);
    assert!(o.poll_transmit(T0, Mode::Flush).is_some(), "a free slot again");
}

/// xorshift64*: a tiny seeded PRNG for the simulation (tests only).
struct Prng(u64);

impl Prng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// 2,000 events, a flaky server answering out of order, page-hide flushes and offline spells;
/// then the server recovers: every event must be accepted exactly once and never be in two
/// unanswered requests at once.
#[test]
fn two_thousand_events_through_random_failures_arrive_exactly_once() {
    for seed in [1u64, 7, 42, 2026] {
        let mut rng = Prng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let mut o = outbox(Config { max_in_flight: 3, ..Config::DEFAULT });
        let mut now = T0;
        let mut open: Vec<Transmit> = Vec::new();
        let mut unanswered: HashSet<String> = HashSet::new();
        let mut accepted: HashMap<String, u32> = HashMap::new();
        let mut enqueued = 0;
        let mut steps = 0;
        while accepted.len() < 2000 {
            steps += 1;
            assert!(steps < 200_000, "seed {seed}: no progress, state {:?}", o.state());
            let flaky = steps < 4000;
            if enqueued < 2000 && rng.below(3) > 0 {
                for _ in 0..=rng.below(20) {
                    if enqueued < 2000 {
                        enqueue(&mut o, &enqueued.to_string(), now);
                        enqueued += 1;
                    }
                }
            }
            let mode = if rng.below(25) == 0 { PAGE_HIDE } else { Mode::Normal };
            while let Some(t) = o.poll_transmit(now, mode) {
                for id in &t.message_ids {
                    assert!(unanswered.insert(id.clone()), "seed {seed}: {id} in two unanswered transmits");
                }
                open.push(t);
            }
            if !open.is_empty() && rng.below(2) == 0 {
                let t = open.swap_remove(rng.below(open.len() as u64) as usize);
                for id in &t.message_ids {
                    unanswered.remove(id);
                }
                let outcome = if flaky { random_failure(&mut rng) } else { ok() };
                if outcome == ok() {
                    for id in t.message_ids {
                        *accepted.entry(id).or_default() += 1;
                    }
                }
                if outcome == Outcome::Offline {
                    o.on_response(t.id, outcome, now, rng.unit());
                    o.set_online(true);
                } else {
                    o.on_response(t.id, outcome, now, rng.unit());
                }
            }
            now = match o.poll_timeout() {
                Some(due) if due > now && open.is_empty() => due,
                _ => now + rng.below(200) as f64,
            };
        }
        assert!(accepted.values().all(|&n| n == 1), "seed {seed}: an event was accepted twice");
        let s = o.state();
        assert_eq!((s.delivered, s.dropped.total(), s.pending, s.in_flight), (2000, 0, 0, 0), "seed {seed}");
    }
}

fn random_failure(rng: &mut Prng) -> Outcome {
    match rng.below(8) {
        0 => Outcome::Status(500, None),
        1 => Outcome::Status(503, Some(1)),
        2 => Outcome::Status(429, Some(2)),
        3 => Outcome::NetworkError,
        4 => Outcome::Offline,
        _ => Outcome::Status(200, None),
    }
}

/// Reloads at random moments while requests are open (keepalive requests outlive their page and
/// are accepted by the server, unseen by any page): no event may ever be in two open requests,
/// and every event must be accepted at least once (again only after a reload, with its messageId).
#[test]
fn reloads_mid_flight_never_put_an_event_in_two_open_requests() {
    struct Open {
        t: Transmit,
        page: u32,
        answer_at: f64,
    }
    for seed in [3u64, 11, 99] {
        let mut rng = Prng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1);
        let config = Config { max_in_flight: 2, ..Config::DEFAULT };
        let mut page = outbox(config);
        let (mut page_no, mut stored, mut now) = (0u32, Stored::new(), T0);
        let mut open: Vec<Open> = Vec::new();
        let mut accepted: HashMap<String, u32> = HashMap::new();
        let (mut enqueued, mut reloads, mut steps) = (0, 0, 0);
        while accepted.len() < 1000 {
            steps += 1;
            assert!(steps < 100_000, "seed {seed}: stuck at {} accepted, {:?}", accepted.len(), page.state());
            for _ in 0..rng.below(4) {
                if enqueued < 1000 {
                    enqueue(&mut page, &enqueued.to_string(), now);
                    enqueued += 1;
                }
            }
            if page.needs_persist() {
                persist(&mut page, &mut stored);
            }
            let mode = if rng.below(10) == 0 { PAGE_HIDE } else { Mode::Normal };
            while let Some(t) = page.poll_transmit(now, mode) {
                for id in &t.message_ids {
                    let clash = open.iter().any(|o| o.t.message_ids.contains(id));
                    assert!(!clash, "seed {seed}: {id} sent while an earlier request with it is open");
                }
                let answer_at = now + rng.below((0.9 * config.request_timeout_ms) as u64) as f64;
                open.push(Open { t, page: page_no, answer_at });
            }
            if page.needs_persist() {
                persist(&mut page, &mut stored);
            }
            let mut i = 0;
            while i < open.len() {
                if open[i].answer_at > now {
                    i += 1;
                    continue;
                }
                let done = open.swap_remove(i);
                let outcome = if steps < 3000 && rng.below(4) == 0 { Outcome::Status(503, None) } else { ok() };
                if outcome == ok() {
                    for id in &done.t.message_ids {
                        *accepted.entry(id.clone()).or_default() += 1;
                    }
                }
                if done.page == page_no {
                    page.on_response(done.t.id, outcome, now, rng.unit());
                }
            }
            if rng.below(30) == 0 {
                // Requests without keepalive die with their page, maybe after the server took them.
                open.retain(|o| {
                    if o.t.keepalive {
                        return true;
                    }
                    if rng.below(2) == 0 {
                        for id in &o.t.message_ids {
                            *accepted.entry(id.clone()).or_default() += 1;
                        }
                    }
                    false
                });
                reloads += 1;
                page_no += 1;
                page = outbox(config);
                restore(&mut page, &stored, now);
            }
            now += 1.0 + rng.below(300) as f64;
        }
        assert!(reloads > 5, "seed {seed}: only {reloads} reloads");
        assert_eq!(enqueued, 1000);
    }
}

#[test]
fn a_burst_limited_by_bytes_sends_its_tail_after_the_answers() {
    let mut o = outbox(Config::DEFAULT);
    for i in 0..2000 {
        o.enqueue(i.to_string(), sized(1012), T0);
    }
    let mut sizes = Vec::new();
    let mut now = T0;
    while let Some(t) = o.poll_transmit(now, Mode::Normal) {
        sizes.push(t.message_ids.len());
        now += 5.0;
        o.on_response(t.id, ok(), now, 0.0);
    }
    assert_eq!(sizes.iter().sum::<usize>(), 2000, "{sizes:?} then timeout {:?}", o.poll_timeout());
}

#[test]
fn a_burst_beyond_the_storage_budget_is_kept_whole_and_stored_as_room_frees_up() {
    let config = Config::DEFAULT;
    let mut o = outbox(config);
    let mut stored = Stored::new();
    for i in 0..2000 {
        o.enqueue(i.to_string(), sized(1500), T0);
    }
    assert_eq!((o.state().pending, o.state().dropped.total()), (2000, 0), "3 MB burst held whole");
    let t = o.poll_transmit(T0, Mode::Normal).expect("a batch");
    let (writes, _) = persist(&mut o, &mut stored);
    assert_eq!(writes, config.max_stored_bytes / 1500, "oldest first, up to the storage budget");
    assert!(stored.values().map(String::len).sum::<usize>() <= config.max_stored_bytes + writes * 60);
    assert!(stored.contains_key("0") && !stored.contains_key("1999"));
    o.on_response(t.id, ok(), T0 + 5.0, 0.0);
    let (writes, removals) = persist(&mut o, &mut stored);
    assert_eq!((writes, removals), (t.message_ids.len(), t.message_ids.len()), "freed room goes to waiting events");
    assert_eq!(persist(&mut o, &mut stored), (0, 0));
}

/// A navigation cancels the page's side of its open fetches around `pagehide` (a network error
/// here) while the browser goes on sending keepalive requests: their stored copies keep the guard
/// and a page-hide flush skips them, so no one resends them while they may still be on their way
/// (a page that lives on retries them after the backoff); requests without keepalive die with the
/// page, so theirs are free at once; the network backoff does not block a page-hide flush.
#[test]
fn a_cancelled_keepalive_fetch_keeps_its_guard_and_page_hide_still_flushes() {
    let mut o = outbox(Config { max_in_flight: 2, ..Config::DEFAULT });
    let mut stored = Stored::new();
    enqueue(&mut o, "first", T0);
    let kept = o.poll_transmit(T0, Mode::Normal).expect("at once");
    o.enqueue("failed-a".into(), sized(20_000), T0 + 1.0);
    o.enqueue("failed-b".into(), sized(20_000), T0 + 1.0);
    let failed = o.poll_transmit(T0 + 1.0, Mode::Normal).expect("a second slot");
    assert!(kept.keepalive && !failed.keepalive, "over half the keepalive budget goes without");
    enqueue(&mut o, "second", T0 + 2.0);
    persist(&mut o, &mut stored);
    let guarded = stored["first"].clone();
    o.on_response(kept.id, Outcome::NetworkError, T0 + 50.0, 0.0);
    o.on_response(failed.id, Outcome::NetworkError, T0 + 50.0, 0.0);
    assert!(o.poll_transmit(T0 + 51.0, Mode::Normal).is_none(), "network backoff");
    let flushed = o.poll_transmit(T0 + 51.0, PAGE_HIDE).expect("the network backoff does not block a page hide");
    assert_eq!(flushed.message_ids, ["failed-a", "failed-b", "second"], "not the event that may still be on its way");
    persist(&mut o, &mut stored); // the shell persists before it sends
    o.on_response(flushed.id, Outcome::NetworkError, T0 + 52.0, 0.0);
    persist(&mut o, &mut stored);
    assert_eq!(stored["first"], guarded, "the stored guard stays");
    let mut next = outbox(Config::DEFAULT);
    restore(&mut next, &stored, T0 + 300.0);
    assert!(next.poll_transmit(T0 + 300.0, Mode::Normal).is_none(), "every event is guarded");
    let t = next.poll_transmit(T0 + Config::DEFAULT.request_timeout_ms + 60.0, Mode::Normal).expect("after the guards");
    assert_eq!(t.message_ids, ["first", "failed-a", "failed-b", "second"]);
    let retry = o.poll_timeout().expect("a retry");
    assert!(retry < T0 + 5000.0, "a page that lives on retries after the network backoff, not the guard");
    let t = o.poll_transmit(retry, Mode::Normal).expect("the retry");
    assert!(t.message_ids.contains(&"first".to_owned()));
}

#[test]
fn a_retry_after_still_holds_on_page_hide() {
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m", T0);
    let t = o.poll_transmit(T0, Mode::Normal).expect("at once");
    o.on_response(t.id, Outcome::Status(429, Some(30)), T0 + 10.0, 0.0);
    assert!(o.poll_transmit(T0 + 20.0, PAGE_HIDE).is_none());
}

/// Drives `o` against a server that rejects (400) every request holding one of `bad` and accepts
/// the rest, until nothing is left; returns the number of requests it took.
fn drain_against_a_strict_server(o: &mut Outbox<SegmentWire>, bad: &[String], mut now: f64) -> usize {
    let mut requests = 0;
    while let Some(t) = o.poll_transmit(now, Mode::Normal) {
        requests += 1;
        assert!(requests < 10_000, "no progress");
        let poisoned = t.message_ids.iter().any(|id| bad.contains(id));
        o.on_response(t.id, Outcome::Status(if poisoned { 400 } else { 200 }, None), now, 0.0);
        now += 1.0;
    }
    requests
}

#[test]
fn a_rejected_batch_is_split_and_resent_so_only_events_rejected_alone_are_dropped() {
    // (events in one request, positions of the bad ones, most requests allowed)
    let rows: &[(usize, &[usize], usize)] = &[
        (1, &[0], 1),
        (2, &[1], 3),
        (4, &[0, 3], 7),
        (500, &[250], 1 + 2 * 9),
        (500, &[0, 499], 1 + 4 * 9),
        (500, &[], 1),
        (7, &[0, 1, 2, 3, 4, 5, 6], 13),
    ];
    for &(count, bad_at, most) in rows {
        let mut o = outbox(Config::DEFAULT);
        let ids: Vec<String> = (0..count).map(|i| format!("m{i}")).collect();
        for id in &ids {
            enqueue(&mut o, id, T0);
        }
        let bad: Vec<String> = bad_at.iter().map(|&i| ids[i].clone()).collect();
        let requests = drain_against_a_strict_server(&mut o, &bad, T0);
        println!("{count} events with {} rejected: {requests} requests", bad.len());
        let s = o.state();
        assert_eq!((s.delivered, s.dropped.total(), s.pending), ((count - bad.len()) as u64, bad.len() as u64, 0), "{count} {bad_at:?}");
        let mut dropped = reasons(&mut o);
        dropped.sort_by(|a, b| a.0.cmp(&b.0));
        let mut want: Vec<(String, DropReason)> = bad.iter().map(|id| (id.clone(), DropReason::Rejected(400))).collect();
        want.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(dropped, want, "each rejected event has its own diagnostic");
        assert!(requests <= most, "{count} {bad_at:?}: {requests} requests");
    }
}

#[test]
fn a_split_consumes_no_attempt_and_fresh_events_may_join_a_half() {
    let mut o = outbox(Config::DEFAULT);
    for id in ["a", "b", "c", "d"] {
        enqueue(&mut o, id, T0);
    }
    let t = o.poll_transmit(T0, Mode::Normal).expect("the burst");
    o.on_response(t.id, Outcome::Status(400, None), T0, 0.0);
    enqueue(&mut o, "e", T0 + 1.0);
    let first = o.poll_transmit(T0 + 1.0, Mode::Normal).expect("first half at once");
    assert_eq!(first.message_ids, ["a", "b"]);
    assert!(!first.body.contains("retryCount"), "{}", first.body);
    o.on_response(first.id, ok(), T0 + 2.0, 0.0);
    let second = o.poll_transmit(T0 + 2.0, Mode::Normal).expect("second half");
    assert_eq!(second.message_ids, ["c", "d"]);
    o.on_response(second.id, ok(), T0 + 3.0, 0.0);
    let fresh = o.poll_transmit(T0 + 3.0, Mode::Normal).expect("the fresh one");
    assert_eq!(fresh.message_ids, ["e"]);
}

#[test]
fn events_from_a_clock_that_was_ahead_are_sent_and_expire_from_now() {
    const DAY: f64 = 24.0 * 3600.0 * 1000.0;
    let ahead = T0 + 30.0 * DAY;
    // in memory: queued and failed while the clock was a month ahead, then the clock is corrected
    let mut o = outbox(Config::DEFAULT);
    enqueue(&mut o, "m1", ahead);
    let t = o.poll_transmit(ahead, Mode::Flush).expect("due");
    o.on_response(t.id, Outcome::Status(503, Some(100)), ahead, 0.0);
    assert!(o.poll_timeout().unwrap() > ahead, "the retry waits in the clock's future");
    let t = o.poll_transmit(T0, Mode::Flush).expect("sent at once after the correction");
    assert_eq!(t.message_ids, ["m1"]);
    o.on_response(t.id, ok(), T0, 0.0);
    assert_eq!(o.state().delivered, 1);

    // stored by a page whose clock was ahead, restored now: due now, retention counts from now
    let mut page = outbox(Config::DEFAULT);
    enqueue(&mut page, "m2", ahead);
    enqueue(&mut page, "m3", ahead);
    let mut stored = Stored::new();
    persist(&mut page, &mut stored);
    let mut next = outbox(Config::DEFAULT);
    assert_eq!(restore(&mut next, &stored, T0), 2);
    assert!(next.poll_timeout().unwrap() <= T0, "due now, not in a month");
    next.set_online(false);
    next.on_timeout(T0 + 7.0 * DAY);
    assert_eq!((next.state().pending, next.state().dropped.expired), (0, 2), "expired seven days after the correction");
}
