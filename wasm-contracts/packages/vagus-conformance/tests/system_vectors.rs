//! Every system vector of the spec (`spec/vectors/system/*.json`) and this crate's system
//! fixtures run on cw-multi-test: the seven contracts with the standard wiring, events
//! compared per emitting contract. The same files run on the compiled artifacts in
//! `vagus-wasm-engine/tests/system_vectors.rs`.

use vagus_conformance::runner::{MultiTestBackend, VectorOutcome};
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
fn every_spec_system_vector_passes_on_cw_multi_test() {
    let files = system_vectors();
    println!("{} system vectors in spec/vectors/system", files.len());
    check(&run_system_files_on(&files, || {
        Ok(MultiTestBackend::default())
    }));
}

#[test]
fn system_fixtures_pass_on_cw_multi_test() {
    let files = system_fixtures();
    assert!(!files.is_empty(), "no fixtures/system/*.json");
    check(&run_system_files_on(&files, || {
        Ok(MultiTestBackend::default())
    }));
}
