//! The headline check: every conformance vector of the spec passes against the compiled
//! artifacts (`artifacts/wasm/*.wasm`) running in the engine, through the same runner (spec
//! model, value conventions, comparisons) that holds the contracts to the spec in
//! cw-multi-test. Missing artifacts fail the test; they are never skipped.

mod support;

use std::time::Instant;

use support::{artifact, EngineBackend};
use vagus_conformance::components;
use vagus_conformance::runner::{run_files_on, run_vector_on, spec_vectors, VectorOutcome};

fn report(outcomes: &[VectorOutcome]) -> usize {
    let mut failures = 0;
    for o in outcomes.iter().filter(|o| !o.failures.is_empty()) {
        eprintln!("FAIL {}", o.file.display());
        for f in &o.failures {
            eprintln!("  {f}");
        }
        failures += o.failures.len();
    }
    failures
}

#[test]
fn every_spec_vector_passes_on_the_compiled_artifacts() {
    // Fail early, with the build command, when an artifact is missing.
    for c in components::all() {
        artifact(c.wasm_artifact);
    }
    let (files, others) = spec_vectors();
    for o in &others {
        println!("skipped (not a conformance vector): {}", o.display());
    }
    assert!(
        !files.is_empty(),
        "no conformance vectors under spec/vectors"
    );
    let per_component = |name: &str| {
        files
            .iter()
            .filter(|f| {
                f.parent()
                    .and_then(|p| p.file_name())
                    .is_some_and(|d| d == name)
            })
            .count()
    };
    assert!(per_component("rate-limiter") > 0 && per_component("circuit-breaker") > 0);

    // First pass compiles the two artifacts into the shared VM; the second is the
    // steady-state rate the equivalence runner will see.
    let cold = Instant::now();
    let outcomes = run_files_on(&files, EngineBackend::fresh);
    let cold = cold.elapsed();
    let failures = report(&outcomes);
    let steps: usize = outcomes.iter().map(|o| o.steps).sum();
    assert_eq!(
        failures, 0,
        "{failures} vector step(s) failed on the wasm engine; see stderr"
    );

    let warm = Instant::now();
    let again = run_files_on(&files, EngineBackend::fresh);
    let warm = warm.elapsed();
    assert_eq!(report(&again), 0);
    println!(
        "spec/vectors on the wasm engine: {} files, {steps} steps; first run {:.2}s (compiles), \
         second run {:.2}s = {:.0} steps/s (setup calls included)",
        files.len(),
        cold.as_secs_f64(),
        warm.as_secs_f64(),
        steps as f64 / warm.as_secs_f64()
    );
}

#[test]
fn the_runner_reports_mismatches_on_the_wasm_engine_too() {
    let (files, _) = spec_vectors();
    let file = files
        .iter()
        .find(|f| f.ends_with("rate-limiter/11-access-pause.json"))
        .expect("spec/vectors/rate-limiter/11-access-pause.json");
    let mut vector: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    // Step 0 is an Unauthorized (1001) consume: expect another code, and success for step 1.
    vector["steps"][0]["expect"]["error"] =
        serde_json::json!({ "code": 2001, "name": "ZeroWindow" });
    vector["steps"][1]["expect"] = serde_json::json!({});
    let outcome = run_vector_on(file, &vector, &mut EngineBackend::fresh().unwrap());
    assert_eq!(outcome.failures.len(), 2, "{:#?}", outcome.failures);
    assert!(outcome.failures[0].contains("step 0") && outcome.failures[0].contains("1001"));
    assert!(outcome.failures[1].contains("step 1") && outcome.failures[1].contains("vagus:1001"));
}
