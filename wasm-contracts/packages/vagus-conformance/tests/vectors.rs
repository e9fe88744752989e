//! Every conformance vector (`spec/vectors/**/*.json`, discovered at run time, plus this
//! crate's `fixtures/`) against the contracts in cw-multi-test.

use std::path::PathBuf;

use vagus_conformance::runner::{fixture_vectors, run_files, spec_vectors, VectorOutcome};

fn report(label: &str, outcomes: &[VectorOutcome]) -> usize {
    let steps: usize = outcomes.iter().map(|o| o.steps).sum();
    let failed: Vec<&VectorOutcome> = outcomes.iter().filter(|o| !o.failures.is_empty()).collect();
    println!(
        "{label}: {} files, {steps} steps, {} files failing",
        outcomes.len(),
        failed.len()
    );
    for o in &failed {
        eprintln!("FAIL {}", o.file.display());
        for f in &o.failures {
            eprintln!("  {f}");
        }
    }
    failed.iter().map(|o| o.failures.len()).sum()
}

#[test]
fn spec_vectors_pass_on_cosmwasm() {
    let (files, others): (Vec<PathBuf>, Vec<PathBuf>) = spec_vectors();
    for o in &others {
        println!("skipped (not a conformance vector): {}", o.display());
    }
    let outcomes = run_files(&files);
    let failures = report("spec/vectors", &outcomes);
    assert_eq!(failures, 0, "{failures} vector step(s) failed; see stderr");
}

#[test]
fn fixture_vectors_pass_on_cosmwasm() {
    let files = fixture_vectors();
    assert!(!files.is_empty(), "fixtures/ holds no vectors");
    let outcomes = run_files(&files);
    let failures = report("fixtures", &outcomes);
    assert_eq!(failures, 0, "{failures} vector step(s) failed; see stderr");
}
