//! The runner itself: it must catch every kind of mismatch, and say where.

use std::path::Path;

use serde_json::{json, Value};
use vagus_conformance::runner::run_vector;

fn fixture(rel: &str) -> (std::path::PathBuf, Value) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    let v = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    (path, v)
}

fn failures_after(rel: &str, mutate: impl FnOnce(&mut Value)) -> Vec<String> {
    let (path, mut v) = fixture(rel);
    mutate(&mut v);
    run_vector(&path, &v).failures
}

const RL: &str = "rate-limiter/roles-pause-overrides.json";
const CB: &str = "circuit-breaker/breaker-lifecycle.json";

#[test]
fn the_fixtures_pass_unmodified() {
    assert!(failures_after(RL, |_| {}).is_empty());
    assert!(failures_after(CB, |_| {}).is_empty());
}

#[test]
fn a_wrong_result_value_is_reported_with_its_step() {
    let f = failures_after(RL, |v| {
        v["steps"][10]["expect"]["result"]["retryAt"] = json!(1)
    });
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].contains("step 10 `consume`") && f[0].contains("result differs"),
        "{f:#?}"
    );
}

#[test]
fn a_wrong_event_field_or_a_missing_event_is_reported() {
    let f = failures_after(RL, |v| {
        v["steps"][11]["expect"]["events"][0]["fields"]["used"] = json!("2");
        v["steps"][12]["expect"]
            .as_object_mut()
            .unwrap()
            .remove("events");
    });
    assert_eq!(f.len(), 2, "{f:#?}");
    assert!(f[0].contains("step 11") && f[0].contains("events differ"));
    assert!(f[1].contains("step 12") && f[1].contains("\"Paused\""));
}

#[test]
fn a_wrong_error_code_or_an_unexpected_success_is_reported() {
    let f = failures_after(CB, |v| {
        v["steps"][15]["expect"]["error"] = json!({"code": 3005, "name": "AlreadyInState"});
        v["steps"][0]["expect"] = json!({"error": {"code": 1001, "name": "Unauthorized"}});
    });
    assert!(
        f.iter()
            .any(|l| l.contains("step 0") && l.contains("succeeded")),
        "{f:#?}"
    );
    assert!(
        f.iter()
            .any(|l| l.contains("step 15") && l.contains("3006")),
        "{f:#?}"
    );
}

#[test]
fn integers_compare_as_numbers_whatever_their_json_form() {
    let f = failures_after(CB, |v| {
        let last = v["steps"].as_array().unwrap().len() - 2;
        v["steps"][last]["expect"]["result"]["requests"] = json!("4");
        v["steps"][last]["expect"]["result"]["trips"] = json!("03");
    });
    assert!(f.is_empty(), "{f:#?}");
}
