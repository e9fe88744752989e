//! Drift between the contracts and `spec/`: error catalogs, denial codes, message surface,
//! event shapes and event coverage. Any difference fails with a list of what differs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use vagus_conformance::components::{self, Component};
use vagus_conformance::runner::{
    fixture_vectors, run_files, spec_vectors, Emitted, MultiTestBackend,
};
use vagus_conformance::spec::{snake_case, ComponentSpec, Operation};
use vagus_conformance::system_runner::{run_system_files_on, system_fixtures, system_vectors};

fn spec_of(c: &Component) -> ComponentSpec {
    ComponentSpec::load(c.spec_file).unwrap()
}

/// Prints every problem and fails if there is any.
fn verdict(what: &str, problems: Vec<String>) {
    for p in &problems {
        eprintln!("{what}: {p}");
    }
    assert!(
        problems.is_empty(),
        "{} {what} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn diff<T: Ord + std::fmt::Debug + Clone>(
    label: &str,
    spec: &BTreeSet<T>,
    code: &BTreeSet<T>,
) -> Vec<String> {
    let mut out = Vec::new();
    for x in spec.difference(code) {
        out.push(format!("{label}: in spec, missing in contract: {x:?}"));
    }
    for x in code.difference(spec) {
        out.push(format!("{label}: in contract, not in spec: {x:?}"));
    }
    out
}

#[test]
fn error_catalog_matches_spec_errors_for_the_wasm_stack() {
    let mut problems = Vec::new();
    for c in components::all() {
        let spec = spec_of(&c);
        let want: BTreeSet<(u16, String, Vec<String>)> = spec
            .errors
            .iter()
            .map(|e| {
                (
                    e.code,
                    e.name.clone(),
                    e.fields.iter().map(|f| snake_case(f)).collect(),
                )
            })
            .collect();
        let catalog = (c.catalog)();
        let have: BTreeSet<(u16, String, Vec<String>)> = catalog
            .iter()
            .map(|e| {
                (
                    e.code,
                    e.name.to_string(),
                    e.fields.iter().map(|f| f.to_string()).collect(),
                )
            })
            .collect();
        problems.extend(diff(&format!("{} errors", c.name), &want, &have));
        let codes: BTreeSet<u16> = catalog.iter().map(|e| e.code).collect();
        if codes.len() != catalog.len() {
            problems.push(format!("{}: a code is used twice in the catalog", c.name));
        }
    }
    verdict("error catalog", problems);
}

#[test]
fn denial_codes_match_spec() {
    let mut problems = Vec::new();
    for c in components::all() {
        let spec = spec_of(&c);
        let want: BTreeSet<(u16, String)> = spec
            .denials
            .iter()
            .map(|d| (d.code, d.name.clone()))
            .collect();
        let have: BTreeSet<(u16, String)> = c
            .denials
            .iter()
            .map(|(n, code)| (*code, n.to_string()))
            .collect();
        problems.extend(diff(&format!("{} denials", c.name), &want, &have));
    }
    verdict("denials", problems);
}

#[test]
fn cw2_name_is_the_spec_wasm_contract() {
    for c in components::all() {
        let spec = spec_of(&c);
        assert_eq!(
            c.cw2_name,
            format!("crates.io:{}", spec.wasm_contract),
            "{}",
            c.name
        );
    }
}

#[test]
fn constants_and_enums_match_spec() {
    use circuit_breaker::breaker::{BreakerState, Reason};
    let rl = ComponentSpec::load("rate-limiter.json").unwrap();
    assert_eq!(
        rl.constants["MAX_BUCKETS"],
        u64::from(rate_limiter::config::MAX_BUCKETS)
    );
    assert_eq!(
        rl.constants["MAX_WINDOW"],
        u64::from(rate_limiter::config::MAX_WINDOW)
    );
    let cb = ComponentSpec::load("circuit-breaker.json").unwrap();
    use circuit_breaker::config::{MAX_COOLDOWN, MAX_FAILURE_THRESHOLD, MAX_PROBES};
    assert_eq!(
        cb.constants["MAX_FAILURE_THRESHOLD"],
        u64::from(MAX_FAILURE_THRESHOLD)
    );
    assert_eq!(cb.constants["MAX_COOLDOWN"], u64::from(MAX_COOLDOWN));
    assert_eq!(cb.constants["MAX_PROBES"], u64::from(MAX_PROBES));
    let states = &cb.enums["BreakerState"];
    for (name, v) in [
        ("CLOSED", BreakerState::Closed),
        ("OPEN", BreakerState::Open),
        ("HALF_OPEN", BreakerState::HalfOpen),
    ] {
        assert_eq!(states[name], v as u64, "BreakerState.{name}");
    }
    assert_eq!(states.len(), 3);
    let reasons = &cb.enums["TransitionReason"];
    for (name, v) in [
        ("FAILURE_THRESHOLD", Reason::FailureThreshold),
        ("COOLDOWN_ELAPSED", Reason::CooldownElapsed),
        ("PROBE_FAILED", Reason::ProbeFailed),
        ("PROBES_SUCCEEDED", Reason::ProbesSucceeded),
        ("GUARDIAN_TRIP", Reason::GuardianTrip),
        ("GUARDIAN_RESET", Reason::GuardianReset),
        ("GUARDIAN_HALF_OPEN", Reason::GuardianHalfOpen),
    ] {
        assert_eq!(reasons[name], v as u64, "TransitionReason.{name}");
    }
    assert_eq!(reasons.len(), 7);
}

/// The variants of an externally tagged message enum: snake name → field names.
fn variants(schema: &Value) -> BTreeMap<String, BTreeSet<String>> {
    let mut out = BTreeMap::new();
    for v in schema["oneOf"].as_array().into_iter().flatten() {
        for (name, body) in v["properties"].as_object().into_iter().flatten() {
            let fields = body["properties"]
                .as_object()
                .map(|o| o.keys().cloned().collect())
                .unwrap_or_default();
            out.insert(name.clone(), fields);
        }
    }
    out
}

fn object_fields(schema: &Value) -> BTreeSet<String> {
    schema["properties"]
        .as_object()
        .map(|o| o.keys().cloned().collect())
        .unwrap_or_default()
}

/// Field names (snake_case) of an operation's return value on CosmWasm.
fn return_fields(spec: &ComponentSpec, op: &Operation) -> BTreeSet<String> {
    match op.returns.as_slice() {
        [only] if spec.types.contains_key(&only.ty) => spec.types[&only.ty]
            .iter()
            .map(|f| snake_case(&f.name))
            .collect(),
        rs => rs.iter().map(|f| snake_case(&f.name)).collect(),
    }
}

#[test]
fn message_surface_matches_spec_operations() {
    let mut problems = Vec::new();
    for c in components::all() {
        let spec = spec_of(&c);
        let ops_of = |kind: &str| -> BTreeMap<String, BTreeSet<String>> {
            spec.operations
                .iter()
                .filter(|o| o.kind == kind)
                .map(|o| {
                    (
                        snake_case(&o.name),
                        o.args.iter().map(|a| snake_case(&a.name)).collect(),
                    )
                })
                .collect()
        };
        for (kind, schema) in [
            (
                "execute",
                serde_json::to_value((c.execute_schema)()).unwrap(),
            ),
            ("query", serde_json::to_value((c.query_schema)()).unwrap()),
        ] {
            let want = ops_of(kind);
            let have = variants(&schema);
            if have.is_empty() {
                problems.push(format!("{}: could not read the {kind} schema", c.name));
            }
            let want_set: BTreeSet<_> = want.iter().collect();
            let have_set: BTreeSet<_> = have.iter().collect();
            problems.extend(diff(
                &format!("{} {kind} messages", c.name),
                &want_set,
                &have_set,
            ));
        }
        let init = ops_of("init");
        let init_fields = init.values().next().cloned().unwrap_or_default();
        let have = object_fields(&serde_json::to_value((c.instantiate_schema)()).unwrap());
        problems.extend(diff(
            &format!("{} instantiate fields", c.name),
            &init_fields,
            &have,
        ));

        let responses: BTreeMap<String, Value> = (c.query_responses)()
            .into_iter()
            .chain((c.execute_responses)())
            .map(|(k, v)| (k, serde_json::to_value(v).unwrap()))
            .collect();
        for op in spec.operations.iter().filter(|o| !o.returns.is_empty()) {
            let key = snake_case(&op.name);
            match responses.get(&key) {
                None => problems.push(format!("{}: no response schema for `{key}`", c.name)),
                Some(schema) => problems.extend(diff(
                    &format!("{} `{key}` return fields", c.name),
                    &return_fields(&spec, op),
                    &object_fields(schema),
                )),
            }
        }
    }
    verdict("message surface", problems);
}

fn emitted_by(files: &[std::path::PathBuf]) -> Vec<Emitted> {
    run_files(files)
        .into_iter()
        .flat_map(|o| o.emitted)
        .collect()
}

fn all_emitted() -> Vec<Emitted> {
    let (mut files, _) = spec_vectors();
    files.extend(fixture_vectors());
    let mut emitted = emitted_by(&files);
    emitted.extend(system_emitted(&system_vectors()));
    emitted.extend(system_emitted(&system_fixtures()));
    emitted
}

/// Events of the system vectors (and fixtures), attributed to their emitting component.
fn system_emitted(files: &[std::path::PathBuf]) -> Vec<Emitted> {
    run_system_files_on(files, || Ok(MultiTestBackend::default()))
        .into_iter()
        .flat_map(|o| o.emitted)
        .collect()
}

#[test]
fn every_emitted_event_is_a_spec_event_with_its_attributes_in_order() {
    let mut problems = BTreeSet::new();
    let specs: BTreeMap<String, ComponentSpec> = components::all()
        .iter()
        .map(|c| (c.name.to_string(), spec_of(c)))
        .collect();
    let emitted = all_emitted();
    assert!(!emitted.is_empty());
    for e in &emitted {
        let spec = &specs[&e.component];
        match spec.event_by_wasm_type(&e.wasm_type) {
            None => {
                problems.insert(format!(
                    "{}: event `{}` is not in the spec",
                    e.component, e.wasm_type
                ));
            }
            Some(ev) => {
                let want: Vec<String> = ev.fields.iter().map(|f| snake_case(&f.name)).collect();
                if want != e.keys {
                    problems.insert(format!(
                        "{}: `{}` attributes {:?}, spec says {:?}",
                        e.component, e.wasm_type, e.keys, want
                    ));
                }
            }
        }
    }
    verdict("event shape", problems.into_iter().collect());
}

fn seen_in_steps<'a>(emitted: &'a [Emitted], component: &str) -> BTreeSet<&'a str> {
    emitted
        .iter()
        .filter(|e| e.in_step && e.component == component)
        .map(|e| e.wasm_type.as_str())
        .collect()
}

#[test]
fn every_spec_event_is_emitted_by_some_vector_step() {
    let emitted = all_emitted();
    let mut from_spec_vectors = emitted_by(&spec_vectors().0);
    from_spec_vectors.extend(system_emitted(&system_vectors()));
    let mut problems = Vec::new();
    for c in components::all() {
        let spec = spec_of(&c);
        let seen = seen_in_steps(&emitted, c.name);
        let seen_spec = seen_in_steps(&from_spec_vectors, c.name);
        for ev in &spec.events {
            let ty = snake_case(&ev.name);
            if seen.contains(ty.as_str()) && !seen_spec.contains(ty.as_str()) {
                println!(
                    "{}: {} is covered by fixtures/ only, not by spec/vectors",
                    c.name, ev.name
                );
            }
            if !seen.contains(ty.as_str()) {
                problems.push(format!(
                    "{}: spec event {} (`wasm-{ty}`) is emitted by no vector step",
                    c.name, ev.name
                ));
            }
        }
    }
    verdict("event coverage", problems);
}

/// Every spec component loads, every registered contract is a spec component, and every
/// spec component has a registered CosmWasm contract (so none escapes the drift checks).
#[test]
fn every_spec_component_loads_and_is_checked() {
    use vagus_conformance::spec::COMPONENT_FILES;
    let registered: BTreeSet<&str> = components::all().iter().map(|c| c.name).collect();
    let mut problems = Vec::new();
    for name in &registered {
        if !COMPONENT_FILES.iter().any(|(n, _)| n == name) {
            problems.push(format!("{name} is registered but is no spec component"));
        }
    }
    for (name, file) in COMPONENT_FILES {
        let spec = ComponentSpec::load(file).unwrap();
        if spec.component != *name {
            problems.push(format!(
                "{file} declares {}, expected {name}",
                spec.component
            ));
        }
        if spec.operations.iter().all(|o| o.kind != "init") {
            problems.push(format!("{name} has no init operation"));
        }
        if !registered.contains(name) {
            problems.push(format!(
                "{name} ({}) is a spec component but not in components::all(): its CosmWasm contract is not checked",
                spec.wasm_contract
            ));
        }
    }
    verdict("spec components", problems);
}
