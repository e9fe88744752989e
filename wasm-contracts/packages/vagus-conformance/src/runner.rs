//! Runs conformance vectors (spec/vectors/README.md) against the contracts on a chain
//! backend: a fresh chain per file, block time `timeOrigin + at`, actors from
//! `addr_make(name)`, roles granted in setup; every step compared with its expectation.
//!
//! The runner only talks to a [`ChainBackend`]. [`MultiTestBackend`] runs the contracts as
//! native Rust in cw-multi-test (`run_file`, `run_files`); other backends (the embedded
//! wasm engine in `vagus-wasm-engine`) reuse the same spec, value and comparison code
//! through `run_file_on` / `run_vector_on`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use cosmwasm_std::{to_json_binary, Addr, Timestamp, WasmMsg};
use cw_multi_test::{App, AppResponse, Executor};
use serde_json::{json, Map, Value};

use crate::components::{self, Component};
use crate::spec::{snake_case, ComponentSpec, Operation};
use crate::values::{spec_field, Actors, Codec};

/// One `wasm-<type>` event a run emitted, as the drift test needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Emitted {
    pub component: String,
    /// CosmWasm event type without the `wasm-` prefix.
    pub wasm_type: String,
    /// Attribute keys in order, `_contract_address` dropped.
    pub keys: Vec<String>,
    /// Emitted by a vector step (not by setup).
    pub in_step: bool,
}

/// The result of one vector file.
#[derive(Debug, Clone)]
pub struct VectorOutcome {
    pub file: PathBuf,
    pub component: String,
    pub steps: usize,
    pub failures: Vec<String>,
    pub emitted: Vec<Emitted>,
}

/// One event of a call, as the chain reports it (`wasm-<type>` for a contract's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainEvent {
    pub ty: String,
    pub attributes: Vec<(String, String)>,
}

/// A successful call: its events and response data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOutcome {
    pub events: Vec<ChainEvent>,
    pub data: Option<Vec<u8>>,
}

impl CallOutcome {
    /// From a chain's events and response data, as every CosmWasm backend returns them.
    pub fn from_chain(
        events: Vec<cosmwasm_std::Event>,
        data: Option<cosmwasm_std::Binary>,
    ) -> Self {
        CallOutcome {
            events: events
                .into_iter()
                .map(|e| ChainEvent {
                    ty: e.ty,
                    attributes: e.attributes.into_iter().map(|a| (a.key, a.value)).collect(),
                })
                .collect(),
            data: data.map(|d| d.to_vec()),
        }
    }
}

/// A chain the runner can deploy a component on and drive. Errors are `anyhow` errors
/// whose chain (`{:#}`) carries the contract's error text; cw-multi-test's also downcast to
/// the contract error type.
pub trait ChainBackend {
    /// Moves the block clock: unix seconds and height.
    fn set_block(&mut self, time: u64, height: u64);
    /// The account address of `name` (cosmwasm-std `MockApi::addr_make` semantics).
    fn addr_make(&mut self, name: &str) -> String;
    /// Stores the component's contract code; returns its code id.
    fn store(&mut self, component: &Component) -> Result<u64>;
    /// Instantiates `code_id`; returns the contract address and the outcome.
    fn instantiate(
        &mut self,
        code_id: u64,
        sender: &str,
        admin: Option<&str>,
        msg: &Value,
        label: &str,
    ) -> Result<(String, CallOutcome)>;
    fn execute(&mut self, sender: &str, contract: &str, msg: &Value) -> Result<CallOutcome>;
    /// A smart query; the response JSON.
    fn query(&mut self, contract: &str, msg: &Value) -> Result<Value>;
    /// The contract's whole storage, in key order (to prove a reverted call changed nothing).
    fn storage(&mut self, contract: &str) -> Vec<(Vec<u8>, Vec<u8>)>;
}

/// The contracts as native Rust in cw-multi-test.
#[derive(Default)]
pub struct MultiTestBackend {
    pub app: App,
}

fn multitest_outcome(res: AppResponse) -> CallOutcome {
    CallOutcome::from_chain(res.events, res.data)
}

impl ChainBackend for MultiTestBackend {
    fn set_block(&mut self, time: u64, height: u64) {
        self.app.update_block(|b| {
            b.time = Timestamp::from_seconds(time);
            b.height = height;
        });
    }

    fn addr_make(&mut self, name: &str) -> String {
        self.app.api().addr_make(name).to_string()
    }

    fn store(&mut self, component: &Component) -> Result<u64> {
        Ok(self.app.store_code((component.contract)()))
    }

    fn instantiate(
        &mut self,
        code_id: u64,
        sender: &str,
        admin: Option<&str>,
        msg: &Value,
        label: &str,
    ) -> Result<(String, CallOutcome)> {
        let res = self.app.execute(
            Addr::unchecked(sender),
            WasmMsg::Instantiate {
                admin: admin.map(str::to_string),
                code_id,
                msg: to_json_binary(msg)?,
                funds: vec![],
                label: label.to_string(),
            }
            .into(),
        )?;
        let addr = res
            .events
            .iter()
            .find(|e| e.ty == "instantiate")
            .and_then(|e| e.attributes.iter().find(|a| a.key == "_contract_address"))
            .map(|a| a.value.clone())
            .ok_or_else(|| anyhow!("instantiate gave no contract address"))?;
        Ok((addr, multitest_outcome(res)))
    }

    fn execute(&mut self, sender: &str, contract: &str, msg: &Value) -> Result<CallOutcome> {
        self.app
            .execute_contract(Addr::unchecked(sender), Addr::unchecked(contract), msg, &[])
            .map(multitest_outcome)
    }

    fn query(&mut self, contract: &str, msg: &Value) -> Result<Value> {
        Ok(self.app.wrap().query_wasm_smart(contract, msg)?)
    }

    fn storage(&mut self, contract: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.app.dump_wasm_raw(&Addr::unchecked(contract))
    }
}

/// Every `*.json` under `dir`, recursively, sorted.
pub fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Whether a JSON file is a conformance vector (schema/vector.schema.json: it names a
/// component and has steps). `spec/vectors/` also holds other golden data (e.g. `cbor/`).
pub fn is_conformance_vector(path: &Path) -> bool {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .is_some_and(|v| v.get("component").is_some() && v.get("steps").is_some())
}

/// The spec's conformance vectors (`spec/vectors/**/*.json`), and the other JSON files
/// found there that are not vectors.
pub fn spec_vectors() -> (Vec<PathBuf>, Vec<PathBuf>) {
    json_files(&crate::spec::spec_dir().join("vectors"))
        .into_iter()
        .partition(|p| is_conformance_vector(p))
}

/// This crate's own development vectors (`fixtures/**/*.json`).
pub fn fixture_vectors() -> Vec<PathBuf> {
    json_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"))
        .into_iter()
        .filter(|p| is_conformance_vector(p))
        .collect()
}

/// Runs one vector file on a fresh cw-multi-test app; never panics, every problem is a
/// failure line.
pub fn run_file(path: &Path) -> VectorOutcome {
    run_file_on(path, &mut MultiTestBackend::default())
}

/// Runs one vector file on `backend`, which must be a fresh chain.
pub fn run_file_on(path: &Path, backend: &mut dyn ChainBackend) -> VectorOutcome {
    let parsed = std::fs::read_to_string(path)
        .context("read vector")
        .and_then(|text| serde_json::from_str::<Value>(&text).context("parse vector"));
    match parsed {
        Ok(vector) => run_vector_on(path, &vector, backend),
        Err(e) => VectorOutcome {
            file: path.to_path_buf(),
            component: String::new(),
            steps: 0,
            failures: vec![format!("{}: {e:#}", path.display())],
            emitted: Vec::new(),
        },
    }
}

/// Runs one parsed vector on a fresh cw-multi-test app; `file` labels its failure lines.
pub fn run_vector(file: &Path, vector: &Value) -> VectorOutcome {
    run_vector_on(file, vector, &mut MultiTestBackend::default())
}

/// Runs one parsed vector on `backend`, which must be a fresh chain.
pub fn run_vector_on(file: &Path, vector: &Value, backend: &mut dyn ChainBackend) -> VectorOutcome {
    let mut outcome = VectorOutcome {
        file: file.to_path_buf(),
        component: String::new(),
        steps: 0,
        failures: Vec::new(),
        emitted: Vec::new(),
    };
    if let Err(e) = run_into(file, vector, backend, &mut outcome) {
        outcome.failures.push(format!("{}: {e:#}", file.display()));
    }
    outcome
}

pub(crate) struct Run<'a> {
    pub(crate) chain: &'a mut dyn ChainBackend,
    pub(crate) addr: String,
    pub(crate) spec: &'a ComponentSpec,
    pub(crate) actors: Actors,
}

impl Run<'_> {
    pub(crate) fn codec(&self) -> Codec<'_> {
        Codec {
            spec: self.spec,
            actors: &self.actors,
        }
    }

    pub(crate) fn actor(&mut self, name: &str) -> Addr {
        let name = name.trim_start_matches('@');
        if let Some(a) = self.actors.get(name) {
            return a.clone();
        }
        let addr = Addr::unchecked(self.chain.addr_make(name));
        self.actors.add(name, addr.clone());
        addr
    }

    /// A vector's `args` → the CosmWasm message body (snake_case keys, wasm values).
    pub(crate) fn wasm_args(&self, op: &Operation, args: Option<&Value>) -> Result<Value> {
        let mut out = Map::new();
        if let Some(args) = args {
            let obj = args
                .as_object()
                .ok_or_else(|| anyhow!("args must be an object"))?;
            for (k, v) in obj {
                let ty = op
                    .args
                    .iter()
                    .find(|a| &a.name == k)
                    .map(|a| a.ty.clone())
                    .unwrap_or_default();
                out.insert(snake_case(k), self.codec().to_wasm(&ty, v)?);
            }
        }
        Ok(Value::Object(out))
    }

    /// The contract's events of a response, canonical (`{name, fields}` with spec names).
    pub(crate) fn events(
        &self,
        res: &CallOutcome,
        in_step: bool,
        emitted: &mut Vec<Emitted>,
    ) -> Vec<Value> {
        let mut out = Vec::new();
        for e in &res.events {
            let Some(ty) = e.ty.strip_prefix("wasm-") else {
                continue;
            };
            let attrs: Vec<_> = e
                .attributes
                .iter()
                .filter(|(k, _)| k != "_contract_address")
                .collect();
            emitted.push(Emitted {
                component: self.spec.component.clone(),
                wasm_type: ty.to_string(),
                keys: attrs.iter().map(|(k, _)| k.clone()).collect(),
                in_step,
            });
            let (name, fields) = match self.spec.event_by_wasm_type(ty) {
                Some(ev) => (ev.name.clone(), ev.fields.clone()),
                None => (format!("?{ty}"), vec![]),
            };
            let mut obj = Map::new();
            for (key, value) in attrs {
                let (fname, fty) = spec_field(&fields, key);
                obj.insert(
                    fname,
                    self.codec()
                        .canon_actual(&fty, &Value::String(value.clone())),
                );
            }
            out.push(json!({ "name": name, "fields": obj }));
        }
        out
    }

    /// A vector's expected events, canonical.
    pub(crate) fn expected_events(&self, expected: Option<&Value>) -> Vec<Value> {
        let Some(list) = expected.and_then(Value::as_array) else {
            return vec![];
        };
        list.iter()
            .map(|e| {
                let name = e["name"].as_str().unwrap_or_default();
                let fields = self
                    .spec
                    .event(name)
                    .map(|ev| ev.fields.clone())
                    .unwrap_or_default();
                json!({
                    "name": name,
                    "fields": self.codec().canon_expected_fields(&fields, &e["fields"]),
                })
            })
            .collect()
    }

    /// An operation's return value from CosmWasm JSON, canonical with spec names.
    pub(crate) fn actual_result(&self, op: &Operation, v: &Value) -> Value {
        match single_struct(self.spec, op) {
            Some(ty) => self.codec().canon_actual(&ty, v),
            None => self.codec().canon_actual_fields(&op.returns, v),
        }
    }

    /// A vector's expected return value, canonical. A single-struct return may be written
    /// as the struct itself or wrapped under the return's name.
    pub(crate) fn expected_result(&self, op: &Operation, v: &Value) -> Value {
        match single_struct(self.spec, op) {
            Some(ty) => {
                let ret = &op.returns[0].name;
                let fields = &self.spec.types[&ty];
                let inner = match v.as_object() {
                    Some(o)
                        if o.len() == 1
                            && o.contains_key(ret)
                            && !fields.iter().any(|f| &f.name == ret) =>
                    {
                        &o[ret]
                    }
                    _ => v,
                };
                self.codec().canon_expected(&ty, inner)
            }
            None => self.codec().canon_expected_fields(&op.returns, v),
        }
    }
}

/// The struct type of an operation that returns exactly one struct.
fn single_struct(spec: &ComponentSpec, op: &Operation) -> Option<String> {
    match op.returns.as_slice() {
        [only] if spec.types.contains_key(&only.ty) => Some(only.ty.clone()),
        _ => None,
    }
}

/// `(code, name)` of a failed execute: the contract error if it downcasts, else the first
/// `vagus:<code> <Name>` in the error chain.
pub(crate) fn error_code(component: &Component, err: &anyhow::Error) -> Option<(u16, String)> {
    (component.downcast)(err).or_else(|| {
        err.chain()
            .find_map(|e| vagus_common::error::parse_code(&e.to_string()))
    })
}

pub(crate) fn pretty(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn run_into(
    path: &Path,
    vector: &Value,
    chain: &mut dyn ChainBackend,
    outcome: &mut VectorOutcome,
) -> Result<()> {
    let component_name = vector["component"]
        .as_str()
        .ok_or_else(|| anyhow!("vector has no component"))?;
    outcome.component = component_name.to_string();
    let component = components::by_name(component_name)
        .ok_or_else(|| anyhow!("no CosmWasm contract for component {component_name}"))?;
    let spec = ComponentSpec::load(component.spec_file)?;
    let file = path
        .file_name()
        .map(|f| f.to_string_lossy().to_string())
        .unwrap_or_default();

    // Setup: fresh chain at timeOrigin, instantiate by the admin, grant the actors' roles.
    chain.set_block(spec.time_origin, 1);
    let code_id = chain
        .store(&component)
        .map_err(|e| anyhow!("storing the {component_name} code failed: {e:#}"))?;
    let mut run = Run {
        chain,
        addr: String::new(),
        spec: &spec,
        actors: Actors::default(),
    };
    let actors = vector["actors"]
        .as_object()
        .ok_or_else(|| anyhow!("vector has no actors"))?;
    if !actors.contains_key("admin") {
        bail!("actors must include admin");
    }
    for name in actors.keys() {
        run.actor(name);
    }
    let admin = run.actor("admin");

    let init_op = spec
        .operation("initialize", "init")
        .ok_or_else(|| anyhow!("spec has no initialize"))?
        .clone();
    let mut init = run.wasm_args(&init_op, vector.get("init"))?;
    init["admin"] = Value::String(admin.to_string());
    let (addr, res) = run
        .chain
        .instantiate(code_id, admin.as_str(), Some(admin.as_str()), &init, &file)
        .map_err(|e| anyhow!("instantiate failed: {e:#}"))?;
    run.addr = addr;
    run.events(&res, false, &mut outcome.emitted);

    for (name, roles) in actors {
        for role in roles
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if name == "admin" && role == "ADMIN" {
                continue;
            }
            let wasm_role = spec
                .all_roles
                .get(role)
                .ok_or_else(|| anyhow!("actor {name}: unknown role {role}"))?;
            let who = run.actor(name);
            let msg = json!({ "grant_role": { "role": wasm_role, "account": who.to_string() } });
            let res = run
                .chain
                .execute(admin.as_str(), &run.addr, &msg)
                .map_err(|e| anyhow!("setup: granting {role} to {name} failed: {e:#}"))?;
            run.events(&res, false, &mut outcome.emitted);
        }
    }

    let steps = vector["steps"]
        .as_array()
        .ok_or_else(|| anyhow!("vector has no steps"))?;
    outcome.steps = steps.len();
    for (i, step) in steps.iter().enumerate() {
        if let Err(e) = run_step(&mut run, &component, step, outcome) {
            let label = step
                .get("call")
                .or(step.get("query"))
                .and_then(Value::as_str)
                .unwrap_or("?");
            let note = step
                .get("note")
                .and_then(Value::as_str)
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            outcome
                .failures
                .push(format!("{file} step {i} `{label}`{note}: {e:#}"));
        }
    }
    Ok(())
}

fn run_step(
    run: &mut Run<'_>,
    component: &Component,
    step: &Value,
    outcome: &mut VectorOutcome,
) -> Result<()> {
    let at = step["at"]
        .as_u64()
        .ok_or_else(|| anyhow!("step has no integer `at`"))?;
    let time = run.spec.time_origin + at;
    run.chain.set_block(time, 1 + at);
    let expect = &step["expect"];
    let expected_error = expect.get("error");

    if let Some(call) = step.get("call").and_then(Value::as_str) {
        let op = run
            .spec
            .operation(call, "execute")
            .ok_or_else(|| anyhow!("`{call}` is not an execute operation of the spec"))?
            .clone();
        let sender_name = step["as"]
            .as_str()
            .ok_or_else(|| anyhow!("call step has no `as`"))?;
        let sender = run.actor(sender_name);
        let msg = json!({ snake_case(call): run.wasm_args(&op, step.get("args"))? });
        let before = run.chain.storage(&run.addr);
        let res = run.chain.execute(sender.as_str(), &run.addr, &msg);
        match (res, expected_error) {
            (Err(err), Some(exp)) => {
                let want = (
                    exp["code"].as_u64().unwrap_or_default(),
                    exp["name"].as_str().unwrap_or_default(),
                );
                match error_code(component, &err) {
                    Some((code, name)) if u64::from(code) == want.0 && name == want.1 => {}
                    got => bail!(
                        "expected error {} {}, got {:?} from `{err:#}`",
                        want.0,
                        want.1,
                        got
                    ),
                }
                if run.chain.storage(&run.addr) != before {
                    bail!("the reverted call changed contract storage");
                }
            }
            (Err(err), None) => bail!("expected success, got error `{err:#}`"),
            (Ok(res), Some(exp)) => {
                let events = run.events(&res, true, &mut outcome.emitted);
                bail!(
                    "expected error {}, but the call succeeded with events {}",
                    pretty(exp),
                    pretty(&Value::Array(events))
                )
            }
            (Ok(res), None) => {
                let mut problems = String::new();
                let actual = run.events(&res, true, &mut outcome.emitted);
                let expected = run.expected_events(expect.get("events"));
                if actual != expected {
                    let _ = write!(
                        problems,
                        "events differ\n    expected: {}\n    actual:   {}",
                        pretty(&Value::Array(expected)),
                        pretty(&Value::Array(actual))
                    );
                }
                if let Some(want) = expect.get("result") {
                    let got = match &res.data {
                        Some(data) => {
                            let raw: Value = serde_json::from_slice(data)
                                .context("response data is not JSON")?;
                            run.actual_result(&op, &raw)
                        }
                        None => Value::Null,
                    };
                    let want = run.expected_result(&op, want);
                    if got != want {
                        let _ = write!(
                            problems,
                            "{}result differs\n    expected: {}\n    actual:   {}",
                            if problems.is_empty() { "" } else { "\n  " },
                            pretty(&want),
                            pretty(&got)
                        );
                    }
                }
                if !problems.is_empty() {
                    bail!("{problems}");
                }
            }
        }
    } else if let Some(query) = step.get("query").and_then(Value::as_str) {
        let op = run
            .spec
            .operation(query, "query")
            .ok_or_else(|| anyhow!("`{query}` is not a query operation of the spec"))?
            .clone();
        let msg = json!({ snake_case(query): run.wasm_args(&op, step.get("args"))? });
        let res = run.chain.query(&run.addr, &msg);
        match (res, expected_error) {
            (Ok(raw), None) => {
                if let Some(want) = expect.get("result") {
                    let got = run.actual_result(&op, &raw);
                    let want = run.expected_result(&op, want);
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
                let want_code = exp["code"].as_u64().unwrap_or_default();
                if got.as_ref().map(|(c, n)| (u64::from(*c), n.as_str()))
                    != Some((want_code, exp["name"].as_str().unwrap_or_default()))
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

/// Runs every file, each on a fresh cw-multi-test app; returns the outcomes in file order.
pub fn run_files(files: &[PathBuf]) -> Vec<VectorOutcome> {
    files.iter().map(|f| run_file(f)).collect()
}

/// Runs every file, each on the fresh chain `fresh` makes; outcomes in file order.
pub fn run_files_on<B: ChainBackend>(
    files: &[PathBuf],
    mut fresh: impl FnMut() -> Result<B>,
) -> Vec<VectorOutcome> {
    files
        .iter()
        .map(|f| match fresh() {
            Ok(mut chain) => run_file_on(f, &mut chain),
            Err(e) => VectorOutcome {
                file: f.clone(),
                component: String::new(),
                steps: 0,
                failures: vec![format!("{}: no fresh chain: {e:#}", f.display())],
                emitted: Vec::new(),
            },
        })
        .collect()
}
