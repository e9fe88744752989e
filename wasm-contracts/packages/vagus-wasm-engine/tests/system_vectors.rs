//! Every system vector of the spec (`spec/vectors/system/*.json`) and the conformance
//! crate's system fixtures, on the compiled artifacts in the engine: the same runner as
//! on cw-multi-test, events compared per emitting contract.

mod support;

use support::EngineBackend;
use vagus_conformance::runner::VectorOutcome;
use vagus_conformance::system_runner::{run_system_files_on, system_fixtures, system_vectors};

fn check(outcomes: &[VectorOutcome]) {
    let mut failures = Vec::new();
    for o in outcomes {
        println!("{}: {} steps", o.file.display(), o.steps);
        failures.extend(o.failures.iter().cloned());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_spec_system_vector_passes_on_the_compiled_artifacts() {
    let files = system_vectors();
    println!("{} system vectors in spec/vectors/system", files.len());
    check(&run_system_files_on(&files, EngineBackend::fresh));
}

#[test]
fn system_fixtures_pass_on_the_compiled_artifacts() {
    let files = system_fixtures();
    assert!(!files.is_empty(), "no fixtures/system/*.json");
    check(&run_system_files_on(&files, EngineBackend::fresh));
}
