//! Runs the system vectors (`spec/vectors/system/*.json`, format in spec/vectors/README.md):
//! the named components (default: all seven) deployed by `admin` with the standard wiring
//! of spec/safety-core.md §0, actors' roles granted per component, then steps on any
//! component. Events are compared per emitting contract, in order (the interleaving of
//! different contracts is not part of the protocol).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::Addr;
use serde_json::{json, Map, Value};

use crate::components::{self, Component};
use crate::runner::{error_code, pretty, CallOutcome, ChainBackend, Run, VectorOutcome};
use crate::spec::{snake_case, spec_dir, ComponentSpec};
use crate::system::COMPONENTS;
use crate::values::Actors;

/// Whether a JSON file is a system vector (`"system": true` and steps).
pub fn is_system_vector(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .is_some_and(|v| v.get("system") == Some(&json!(true)) && v.get("steps").is_some())
}

/// The spec's system vectors (`spec/vectors/system/*.json`).
pub fn system_vectors() -> Vec<PathBuf> {
    crate::runner::json_files(&spec_dir().join("vectors/system"))
        .into_iter()
        .filter(|p| is_system_vector(p))
        .collect()
}

/// This crate's own system fixtures (`fixtures/system/*.json`).
pub fn system_fixtures() -> Vec<PathBuf> {
    crate::runner::json_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/system"))
        .into_iter()
        .filter(|p| is_system_vector(p))
        .collect()
}

struct Deployed {
    component: Component,
    spec: ComponentSpec,
    addr: String,
}

struct SystemRun<'a> {
    chain: &'a mut dyn ChainBackend,
    deployed: BTreeMap<String, Deployed>,
    actors: Actors,
    time_origin: u64,
}

impl SystemRun<'_> {
    fn with<T>(&mut self, name: &str, f: impl FnOnce(&mut Run<'_>) -> T) -> Result<T> {
        let d = self
            .deployed
            .get(name)
            .ok_or_else(|| anyhow!("component {name} is not deployed in this vector"))?;
        let mut run = Run {
            chain: &mut *self.chain,
            addr: d.addr.clone(),
            spec: &d.spec,
            actors: std::mem::take(&mut self.actors),
        };
        let out = f(&mut run);
        self.actors = run.actors;
        Ok(out)
    }

    fn actor(&mut self, name: &str) -> Addr {
        let name = name.trim_start_matches('@');
        if let Some(a) = self.actors.get(name) {
            return a.clone();
        }
        let a = Addr::unchecked(self.chain.addr_make(name));
        self.actors.add(name, a.clone());
        a
    }

    fn component_of(&self, addr: &str) -> Option<String> {
        self.deployed
            .iter()
            .find(|(_, d)| d.addr == addr)
            .map(|(n, _)| n.clone())
    }

    /// The events of an outcome per emitting component, canonical; records them.
    fn events(
        &mut self,
        res: &CallOutcome,
        in_step: bool,
        emitted: &mut Vec<crate::runner::Emitted>,
    ) -> Result<BTreeMap<String, Vec<Value>>> {
        let mut by: BTreeMap<String, CallOutcome> = BTreeMap::new();
        for e in &res.events {
            if !e.ty.starts_with("wasm-") {
                continue;
            }
            let from = e
                .attributes
                .iter()
                .find(|(k, _)| k == "_contract_address")
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            let name = self
                .component_of(&from)
                .ok_or_else(|| anyhow!("event {} from an unknown contract {from}", e.ty))?;
            by.entry(name).or_default().events.push(e.clone());
        }
        let mut out = BTreeMap::new();
        for (name, part) in by {
            let evs = self.with(&name, |run| run.events(&part, in_step, emitted))?;
            out.insert(name, evs);
        }
        Ok(out)
    }

    fn expected_events(&mut self, list: Option<&Value>) -> Result<BTreeMap<String, Vec<Value>>> {
        let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for e in list.and_then(Value::as_array).into_iter().flatten() {
            let on = e["on"]
                .as_str()
                .ok_or_else(|| anyhow!("an expected event has no `on`: {e}"))?;
            grouped.entry(on.to_string()).or_default().push(e.clone());
        }
        let mut out = BTreeMap::new();
        for (name, evs) in grouped {
            let canon = self.with(&name, |run| run.expected_events(Some(&Value::Array(evs))))?;
            out.insert(name, canon);
        }
        Ok(out)
    }
}

/// `params` defaults of a component file, by spec field name.
fn param_defaults(file: &str) -> Result<Map<String, Value>> {
    let text = std::fs::read_to_string(spec_dir().join(file))?;
    let v: Value = serde_json::from_str(&text)?;
    Ok(v["params"]
        .as_object()
        .map(|p| {
            p.iter()
                .map(|(k, d)| (k.clone(), d["default"].clone()))
                .collect()
        })
        .unwrap_or_default())
}

/// The spec-side `initialize` arguments of a component not listed in `init`: each struct
/// argument filled with its fields' `params` defaults.
fn default_init(d: &Deployed) -> Result<Value> {
    let defaults = param_defaults(d.component.spec_file)?;
    let op = d
        .spec
        .operation("initialize", "init")
        .ok_or_else(|| anyhow!("{} has no initialize", d.spec.component))?;
    let mut out = Map::new();
    for arg in op.args.iter().filter(|a| a.name != "admin") {
        if let Some(fields) = d.spec.types.get(&arg.ty) {
            let mut obj = Map::new();
            for f in fields {
                let v = defaults
                    .get(&f.name)
                    .cloned()
                    .ok_or_else(|| anyhow!("no default for {}.{}", arg.ty, f.name))?;
                obj.insert(f.name.clone(), v);
            }
            out.insert(arg.name.clone(), Value::Object(obj));
        }
    }
    Ok(Value::Object(out))
}

/// Runs one system vector file on `chain` (a fresh chain).
pub fn run_system_file_on(path: &Path, chain: &mut dyn ChainBackend) -> VectorOutcome {
    let mut outcome = VectorOutcome {
        file: path.to_path_buf(),
        component: "system".into(),
        steps: 0,
        failures: Vec::new(),
        emitted: Vec::new(),
    };
    let parsed = std::fs::read_to_string(path)
        .context("read vector")
        .and_then(|t| serde_json::from_str::<Value>(&t).context("parse vector"));
    let result = parsed.and_then(|v| run_into(path, &v, chain, &mut outcome));
    if let Err(e) = result {
        outcome.failures.push(format!("{}: {e:#}", path.display()));
    }
    outcome
}

/// Runs every system file, each on the fresh chain `fresh` makes.
pub fn run_system_files_on<B: ChainBackend>(
    files: &[PathBuf],
    mut fresh: impl FnMut() -> Result<B>,
) -> Vec<VectorOutcome> {
    files
        .iter()
        .map(|f| match fresh() {
            Ok(mut chain) => run_system_file_on(f, &mut chain),
            Err(e) => VectorOutcome {
                file: f.clone(),
                component: "system".into(),
                steps: 0,
                failures: vec![format!("{}: no fresh chain: {e:#}", f.display())],
                emitted: Vec::new(),
            },
        })
        .collect()
}

fn run_into(
    path: &Path,
    vector: &Value,
    chain: &mut dyn ChainBackend,
    outcome: &mut VectorOutcome,
) -> Result<()> {
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();
    let names: Vec<String> = match vector.get("components").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|v| v.as_str().map(str::to_string))
            .collect::<Option<_>>()
            .ok_or_else(|| anyhow!("components must be names"))?,
        None => COMPONENTS.iter().map(|s| s.to_string()).collect(),
    };
    let first = ComponentSpec::load("rate-limiter.json")?;
    let mut run = SystemRun {
        chain,
        deployed: BTreeMap::new(),
        actors: Actors::default(),
        time_origin: first.time_origin,
    };
    run.chain.set_block(run.time_origin, 1);
    let admin = run.actor("admin");

    // Deploy in the standard order.
    for name in COMPONENTS.iter().filter(|c| names.iter().any(|n| n == *c)) {
        let component =
            components::by_name(name).ok_or_else(|| anyhow!("no contract for {name}"))?;
        let spec = ComponentSpec::load(component.spec_file)?;
        let code = run
            .chain
            .store(&component)
            .map_err(|e| anyhow!("storing {name}: {e:#}"))?;
        let mut d = Deployed {
            component,
            spec,
            addr: String::new(),
        };
        let init_spec = match vector["init"].get(*name) {
            Some(v) => v.clone(),
            None => default_init(&d)?,
        };
        let init_op = d
            .spec
            .operation("initialize", "init")
            .ok_or_else(|| anyhow!("{name} has no initialize"))?
            .clone();
        let tmp = Run {
            chain: &mut *run.chain,
            addr: String::new(),
            spec: &d.spec,
            actors: std::mem::take(&mut run.actors),
        };
        let mut init = tmp.wasm_args(&init_op, Some(&init_spec))?;
        run.actors = tmp.actors;
        init["admin"] = json!(admin.to_string());
        let (addr, res) = run
            .chain
            .instantiate(code, admin.as_str(), Some(admin.as_str()), &init, name)
            .map_err(|e| anyhow!("instantiating {name}: {e:#}"))?;
        run.actors.add(&format!("@{name}"), Addr::unchecked(&addr));
        d.addr = addr;
        run.deployed.insert(name.to_string(), d);
        run.events(&res, false, &mut outcome.emitted)?;
    }

    // Standard wiring among the deployed components.
    let has = |n: &str| names.iter().any(|x| x == n);
    let addr = |run: &SystemRun<'_>, n: &str| run.deployed[n].addr.clone();
    let mut setup: Vec<(String, Value)> = Vec::new();
    if [
        "ANSStateManager",
        "AfferentInbox",
        "VagalBrake",
        "CircuitBreaker",
        "RateLimiter",
        "CapabilityIssuer",
    ]
    .iter()
    .all(|n| has(n))
    {
        setup.push((
            "CapabilityIssuer".into(),
            json!({"set_links": {"links": {
                "ans": addr(&run, "ANSStateManager"), "inbox": addr(&run, "AfferentInbox"),
                "brake": addr(&run, "VagalBrake"), "breaker": addr(&run, "CircuitBreaker"),
                "rate_limiter": addr(&run, "RateLimiter")}}}),
        ));
    }
    if has("ReflexArc") {
        let reflex = addr(&run, "ReflexArc");
        for n in ["ANSStateManager", "AfferentInbox"] {
            if has(n) {
                setup.push((n.into(), json!({"set_reflex_arc": {"reflex_arc": reflex}})));
                setup.push((
                    "ReflexArc".into(),
                    json!({"grant_role": {"role": "notifier", "account": addr(&run, n)}}),
                ));
            }
        }
    }
    if has("CapabilityIssuer") {
        let issuer = addr(&run, "CapabilityIssuer");
        if has("ReflexArc") {
            setup.push((
                "ReflexArc".into(),
                json!({"set_issuer": {"issuer": issuer}}),
            ));
            setup.push((
                "CapabilityIssuer".into(),
                json!({"grant_role": {"role": "revoker", "account": addr(&run, "ReflexArc")}}),
            ));
        }
        for (on, role) in [
            ("RateLimiter", "consumer"),
            ("CircuitBreaker", "consumer"),
            ("CircuitBreaker", "reporter"),
        ] {
            if has(on) {
                setup.push((
                    on.into(),
                    json!({"grant_role": {"role": role, "account": issuer}}),
                ));
            }
        }
    }
    // Actors' roles.
    let actors = vector["actors"].as_object().cloned().unwrap_or_default();
    for (actor, per) in &actors {
        let who = run.actor(actor);
        for (on, roles) in per.as_object().into_iter().flatten() {
            let d = run
                .deployed
                .get(on)
                .ok_or_else(|| anyhow!("actor {actor}: {on} is not deployed"))?;
            for role in roles
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
            {
                if actor == "admin" && role == "ADMIN" {
                    continue;
                }
                let wasm = d
                    .spec
                    .all_roles
                    .get(role)
                    .ok_or_else(|| anyhow!("actor {actor}: unknown role {role}"))?;
                setup.push((
                    on.clone(),
                    json!({"grant_role": {"role": wasm, "account": who.to_string()}}),
                ));
            }
        }
    }
    for (on, msg) in setup {
        let contract = run.deployed[&on].addr.clone();
        let res = run
            .chain
            .execute(admin.as_str(), &contract, &msg)
            .map_err(|e| anyhow!("setup on {on} {msg}: {e:#}"))?;
        run.events(&res, false, &mut outcome.emitted)?;
    }

    let steps = vector["steps"]
        .as_array()
        .ok_or_else(|| anyhow!("vector has no steps"))?;
    outcome.steps = steps.len();
    for (i, step) in steps.iter().enumerate() {
        if let Err(e) = run_step(&mut run, step, outcome) {
            let label = step
                .get("call")
                .or(step.get("query"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            let on = step["on"].as_str().unwrap_or("?");
            let note = step
                .get("note")
                .and_then(Value::as_str)
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            outcome
                .failures
                .push(format!("{file} step {i} {on}.`{label}`{note}: {e:#}"));
        }
    }
    Ok(())
}

fn run_step(run: &mut SystemRun<'_>, step: &Value, outcome: &mut VectorOutcome) -> Result<()> {
    let at = step["at"]
        .as_u64()
        .ok_or_else(|| anyhow!("step has no integer `at`"))?;
    run.chain.set_block(run.time_origin + at, 1 + at);
    let on = step["on"]
        .as_str()
        .ok_or_else(|| anyhow!("step has no `on`"))?
        .to_string();
    let (contract, component_spec) = {
        let d = run
            .deployed
            .get(&on)
            .ok_or_else(|| anyhow!("{on} is not deployed"))?;
        (d.addr.clone(), d.spec.clone())
    };
    let expect = &step["expect"];
    let expected_error = expect.get("error");

    if let Some(call) = step.get("call").and_then(Value::as_str) {
        let op = component_spec
            .operation(call, "execute")
            .ok_or_else(|| anyhow!("`{call}` is not an execute operation of {on}"))?
            .clone();
        let sender = run.actor(step["as"].as_str().ok_or_else(|| anyhow!("no `as`"))?);
        let args = run.with(&on, |r| r.wasm_args(&op, step.get("args")))??;
        let msg = json!({ snake_case(call): args });
        let all: Vec<String> = run.deployed.values().map(|d| d.addr.clone()).collect();
        let before: Vec<_> = all.iter().map(|a| run.chain.storage(a)).collect();
        let res = run.chain.execute(sender.as_str(), &contract, &msg);
        match (res, expected_error) {
            (Err(err), Some(exp)) => {
                let want = (
                    exp["code"].as_u64().unwrap_or_default(),
                    exp["name"].as_str().unwrap_or_default(),
                );
                let got = error_code(&run.deployed[&on].component, &err);
                match &got {
                    Some((code, name)) if u64::from(*code) == want.0 && name == want.1 => {}
                    _ => bail!(
                        "expected error {} {}, got {got:?} from `{err:#}`",
                        want.0,
                        want.1
                    ),
                }
                let after: Vec<_> = all.iter().map(|a| run.chain.storage(a)).collect();
                if after != before {
                    bail!("the reverted call changed contract storage");
                }
            }
            (Err(err), None) => bail!("expected success, got error `{err:#}`"),
            (Ok(res), Some(exp)) => {
                let evs = run.events(&res, true, &mut outcome.emitted)?;
                bail!(
                    "expected error {}, but the call succeeded with events {:?}",
                    pretty(exp),
                    evs
                )
            }
            (Ok(res), None) => {
                let actual = run.events(&res, true, &mut outcome.emitted)?;
                let expected = run.expected_events(expect.get("events"))?;
                let mut problems = Vec::new();
                if actual != expected {
                    problems.push(format!(
                        "events differ (per emitting contract)\n    expected: {}\n    actual:   {}",
                        pretty(&json!(expected)),
                        pretty(&json!(actual))
                    ));
                }
                if let Some(want) = expect.get("result") {
                    let got = match &res.data {
                        Some(data) => {
                            let raw: Value = serde_json::from_slice(data)
                                .context("response data is not JSON")?;
                            run.with(&on, |r| r.actual_result(&op, &raw))?
                        }
                        None => Value::Null,
                    };
                    let want = run.with(&on, |r| r.expected_result(&op, want))?;
                    if got != want {
                        problems.push(format!(
                            "result differs\n    expected: {}\n    actual:   {}",
                            pretty(&want),
                            pretty(&got)
                        ));
                    }
                }
                if !problems.is_empty() {
                    bail!("{}", problems.join("\n  "));
                }
            }
        }
    } else if let Some(query) = step.get("query").and_then(Value::as_str) {
        let op = component_spec
            .operation(query, "query")
            .ok_or_else(|| anyhow!("`{query}` is not a query operation of {on}"))?
            .clone();
        let args = run.with(&on, |r| r.wasm_args(&op, step.get("args")))??;
        let msg = json!({ snake_case(query): args });
        match (run.chain.query(&contract, &msg), expected_error) {
            (Ok(raw), None) => {
                if let Some(want) = expect.get("result") {
                    let got = run.with(&on, |r| r.actual_result(&op, &raw))?;
                    let want = run.with(&on, |r| r.expected_result(&op, want))?;
                    if got != want {
                        bail!(
                            "result differs\n    expected: {}\n    actual:   {}",
                            pretty(&want),
                            pretty(&got)
                        );
                    }
                }
            }
            (Ok(raw), Some(exp)) => bail!("expected error {}, got {}", pretty(exp), pretty(&raw)),
            (Err(err), None) => bail!("query failed: {err:#}"),
            (Err(err), Some(exp)) => {
                let got = vagus_common::error::parse_code(&format!("{err:#}"));
                let want = exp["code"].as_u64().unwrap_or_default();
                if got.as_ref().map(|(c, n)| (u64::from(*c), n.as_str()))
                    != Some((want, exp["name"].as_str().unwrap_or_default()))
                {
                    bail!("expected error {}, got `{err:#}`", pretty(exp));
                }
            }
        }
    } else {
        bail!("step is neither a call nor a query");
    }
    Ok(())
}
