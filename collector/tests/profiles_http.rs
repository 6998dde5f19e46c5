//! Profile merging over real HTTP: the seed scenarios (Segment "Identifying users" #1–#3), alias and
//! the shared-device rule, read back through the read API.

mod common;

use common::*;
use serde_json::json;

#[test]
fn scenario_1_anonymous_browsing_then_sign_up_merges_the_history() {
    let (_dir, s) = fresh(&[]);
    // day 1: anonymous browsing (standard endpoints, as analytics.js sends them)
    assert_eq!(s.post("/v1/p", &page("d1-page", "anon-web", None)).status, 200);
    assert_eq!(s.post("/v1/t", &track("d1-view", "anon-web", None, "Product Viewed")).status, 200);
    // day 3: same device, signs up: identify then "Signed Up", both carrying both ids
    let signup = json!({"batch": [
        identify("d3-identify", "anon-web", "97980cfea0067", json!({"name": "Peter Gibbons", "email": "peter@example.com", "plan": "premium"})),
        track("d3-signed-up", "anon-web", Some("97980cfea0067"), "Signed Up"),
    ]});
    assert_eq!(s.post("/v1/b", &signup).status, 200);
    let p = s.profile("97980cfea0067");
    assert_eq!(p["userIds"], json!(["97980cfea0067"]));
    assert_eq!(p["anonymousIds"], json!(["anon-web"]));
    assert_eq!(p["traits"]["email"], "peter@example.com");
    assert_eq!(s.timeline("97980cfea0067"), ["d1-page", "d1-view", "d3-identify", "d3-signed-up"]);
    assert_eq!(s.profile("anon-web")["profileId"], p["profileId"]);
    assert_eq!(s.get("/api/profiles").json()["profiles"].as_array().unwrap().len(), 1);
    assert_eq!(s.count("SELECT COUNT(*) FROM users WHERE user_id = '97980cfea0067'"), 1);
}

#[test]
fn scenario_2_second_device_that_never_logs_in_stays_anonymous() {
    let (_dir, s) = fresh(&[]);
    s.post("/v1/t", &track("web-1", "anon-web", None, "Viewed"));
    s.post("/v1/i", &identify("web-2", "anon-web", "u-123", json!({"email": "joe@example.com"})));
    s.post("/v1/t", &track("phone-1", "anon-phone", None, "App Opened"));
    s.post("/v1/t", &track("phone-2", "anon-phone", None, "Viewed"));
    let user = s.profile("u-123");
    let phone = s.profile("anon-phone");
    assert_ne!(user["profileId"], phone["profileId"]);
    assert_eq!(phone["userIds"], json!([]));
    assert_eq!(s.timeline("anon-phone"), ["phone-1", "phone-2"]);
    assert_eq!(s.timeline("u-123"), ["web-1", "web-2"]);
    assert_eq!(s.get("/api/profiles").json()["profiles"].as_array().unwrap().len(), 2);
}

#[test]
fn scenario_3_second_device_that_logs_in_joins_the_same_profile() {
    let (_dir, s) = fresh(&[]);
    s.post("/v1/t", &track("web-1", "anon-web", None, "Viewed"));
    s.post("/v1/i", &identify("web-2", "anon-web", "u-123", json!({"plan": "free"})));
    s.post("/v1/t", &track("phone-1", "anon-phone", None, "App Opened"));
    s.post("/v1/i", &identify("phone-2", "anon-phone", "u-123", json!({"plan": "premium"})));
    let p = s.profile("anon-phone");
    assert_eq!(p["profileId"], s.profile("u-123")["profileId"]);
    assert_eq!(p["anonymousIds"], json!(["anon-web", "anon-phone"]));
    assert_eq!(p["traits"]["plan"], "premium");
    assert_eq!(s.timeline("u-123"), ["web-1", "web-2", "phone-1", "phone-2"]);
    let profiles = s.get("/api/profiles").json();
    assert_eq!(profiles["profiles"].as_array().unwrap().len(), 1, "{profiles}");
}

#[test]
fn alias_links_the_previous_id() {
    let (_dir, s) = fresh(&[]);
    s.post("/v1/t", &track("a-1", "anon-1", None, "Viewed"));
    let alias = json!({"userId": "server-user", "previousId": "anon-1", "messageId": "alias-1"});
    assert_eq!(s.post("/v1/a", &alias).status, 200);
    s.post("/v1/t", &json!({"userId": "server-user", "event": "Purchased", "messageId": "a-2"}));
    assert_eq!(s.profile("anon-1")["profileId"], s.profile("server-user")["profileId"]);
    assert_eq!(s.timeline("server-user"), ["a-1", "alias-1", "a-2"]);
    assert_eq!(s.count("SELECT COUNT(*) FROM aliases WHERE previous_id = 'anon-1'"), 1);
}

#[test]
fn shared_device_two_users_never_merge() {
    let (_dir, s) = fresh(&[]);
    s.post("/v1/t", &track("k-1", "kiosk", None, "Viewed"));
    s.post("/v1/i", &identify("k-2", "kiosk", "alice", json!({"name": "Alice"})));
    s.post("/v1/t", &track("k-3", "kiosk", Some("alice"), "Bought"));
    // Bob logs in on the same browser without reset(): same anonymousId, different userId
    s.post("/v1/i", &identify("k-4", "kiosk", "bob", json!({"name": "Bob"})));
    s.post("/v1/t", &track("k-5", "kiosk", Some("bob"), "Bought"));
    let (alice, bob) = (s.profile("alice"), s.profile("bob"));
    assert_ne!(alice["profileId"], bob["profileId"]);
    assert_eq!(s.profile("kiosk")["profileId"], alice["profileId"], "the device stays with its first user");
    assert_eq!(alice["traits"]["name"], "Alice");
    assert_eq!(bob["traits"]["name"], "Bob");
    assert_eq!(bob["anonymousIds"], json!([]));
    assert_eq!(s.timeline("alice"), ["k-1", "k-2", "k-3"]);
    assert_eq!(s.timeline("bob"), ["k-4", "k-5"]);
}

#[test]
fn read_api_shapes() {
    let (_dir, s) = fresh(&[]);
    for i in 0..5 {
        s.post("/v1/t", &track(&format!("r-{i}"), "a", None, "E"));
    }
    let events = s.get("/api/events?limit=3").json();
    let ids: Vec<_> = events["events"].as_array().unwrap().iter().map(|e| e["messageId"].as_str().unwrap().to_string()).collect();
    assert_eq!(ids, ["r-4", "r-3", "r-2"]);
    assert!(events["events"][0]["seq"].as_i64().unwrap() > events["events"][1]["seq"].as_i64().unwrap());
    let p = s.profile("a");
    let number = p["profileId"].as_i64().unwrap();
    assert_eq!(s.profile(&number.to_string())["anonymousIds"], json!(["a"]));
    assert_eq!(p["identities"][0]["type"], "anonymousId");
    assert!(p["identities"][0]["linkedAt"].is_string());
    assert_eq!(s.get("/api/profiles/nobody").status, 404);
    assert_eq!(s.profile("a%40b"), serde_json::Value::Null);
    s.post("/v1/i", &identify("r-at", "x", "a@b", json!({})));
    assert_eq!(s.profile("a%40b")["userIds"], json!(["a@b"]));
}

#[test]
fn every_list_is_a_page_with_a_cursor() {
    let (_dir, s) = fresh(&[]);
    let batch: Vec<_> = (0..25).map(|i| track(&format!("p-{i:02}"), "walker", None, "E")).collect();
    assert_eq!(s.post("/v1/b", &json!({"batch": batch})).status, 200);
    for i in 0..7 {
        s.post("/v1/t", &track(&format!("other-{i}"), &format!("device-{i}"), None, "E"));
    }
    // events, newest first, 10 at a time
    let (mut seen, mut cursor) = (Vec::new(), String::new());
    loop {
        let page = s.get(&format!("/api/events?limit=10{cursor}")).json();
        seen.extend(page["events"].as_array().unwrap().iter().map(|e| e["messageId"].as_str().unwrap().to_string()));
        match page["next"].as_i64() {
            Some(next) => cursor = format!("&before={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 32);
    assert_eq!(seen.first().map(String::as_str), Some("other-6"));
    assert_eq!(seen.last().map(String::as_str), Some("p-00"));
    // a profile's timeline, oldest first, 10 at a time
    let (mut timeline, mut after) = (Vec::new(), String::new());
    loop {
        let p = s.get(&format!("/api/profiles/walker?limit=10{after}")).json();
        timeline.extend(p["timeline"].as_array().unwrap().iter().map(|e| e["messageId"].as_str().unwrap().to_string()));
        match p["timelineNext"].as_i64() {
            Some(next) => after = format!("&after={next}"),
            None => break,
        }
    }
    assert_eq!(timeline, (0..25).map(|i| format!("p-{i:02}")).collect::<Vec<_>>());
    // profiles, newest first, 3 at a time; the limit is capped
    let first = s.get("/api/profiles?limit=3").json();
    assert_eq!(first["profiles"].as_array().unwrap().len(), 3);
    let rest = s.get(&format!("/api/profiles?limit=100&before={}", first["next"])).json();
    assert_eq!(rest["profiles"].as_array().unwrap().len(), 5);
    assert_eq!(rest["next"], serde_json::Value::Null);
    assert_eq!(s.get("/api/events?limit=999999").json()["events"].as_array().unwrap().len(), 32);
    let ids = s.get("/api/profiles/walker/identities").json();
    assert_eq!(ids["identities"][0]["id"], "walker");
}
