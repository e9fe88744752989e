//! CosmWasm gas benchmark (`npm run bench:wasm`, `scripts/bench-wasm.sh`): the compiled
//! artifacts (`artifacts/wasm/*.wasm`) in the embedded engine, driven in-process through the
//! engine API with the same deployments, configurations and scenario list as the EVM bench
//! (`scripts/bench/*.ts`), so every row has the same name on both stacks. For each row it
//! reports the VM's CosmWasm gas and the SDK gas wasmd would charge the contract part of the
//! transaction, with its breakdown. Prints a table and writes `reports/bench-wasm.json`.
//!
//! ```sh
//! cargo run -p vagus-wasm-engine --example bench --locked -- [--quick] [--no-vectors] [--out PATH]
//! ```
//!
//! `--quick` (or `VAGUS_BENCH_QUICK=1`) skips the 10,000-request fill, as on the EVM side;
//! reports must use the full run. `--no-vectors` skips the conformance-vector throughput.
//! Gas is deterministic; only the timings depend on the machine.

// The engine as a conformance-runner backend (and the shared VM) exactly as
// `tests/vectors.rs` uses it.
#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, ensure, Context, Result};
use serde::Serialize;
use serde_json::{json, Value};
use support::{repo_root, EngineBackend};
use vagus_conformance::runner::{run_files_on, spec_vectors};
use vagus_wasm_engine::gas::GAS_MULTIPLIER;
use vagus_wasm_engine::{Engine, TxOutcome, WASMVM_2_2_CAPABILITIES};

/// `ethers.id("bench-action")` (keccak256 of the text): the EVM bench's action id.
const ACTION: &str = "d06b9123163c573a2aeb17e39fef8b9566068571e671107ab5d187df66a29f88";

const RL: &str = "RateLimiter";
const CB: &str = "CircuitBreaker";

/// The first block height. The contract receives `Env` as JSON, so the number of digits of
/// the height shows in the VM gas; starting at 10,000,000 (a live chain's order of magnitude)
/// keeps every call of a run, quick or full, at 8 digits, so the rows do not depend on how
/// many transactions ran before them.
const HEIGHT0: u64 = 10_000_000;

/// Breaker states (spec `BreakerState`, JSON numbers on the wasm side).
const CLOSED: u8 = 0;
const OPEN: u8 = 1;
const HALF_OPEN: u8 = 2;

#[derive(Clone, Copy, Debug, Serialize)]
struct SdkBreakdown {
    setup: u64,
    storage: u64,
    wasm: u64,
    events: u64,
}

/// One measured transaction (bench-evm.json's row: component, operation, scenario; then
/// the CosmWasm gas fields).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Row {
    component: &'static str,
    /// The spec operation (the EVM function name).
    operation: &'static str,
    /// The `ExecuteMsg` variant it is on CosmWasm.
    wasm_msg: String,
    scenario: String,
    /// CosmWasm gas metered in the VM (storage excluded).
    vm_gas: u64,
    /// SDK gas of the contract part of the transaction: setup + storage + wasm + events.
    sdk_gas: u64,
    sdk_breakdown: SdkBreakdown,
    /// `allowed` of the response data (consume / request), checked against the scenario.
    #[serde(skip_serializing_if = "Option::is_none")]
    allowed: Option<bool>,
    /// Breaker state after the call (0 CLOSED, 1 OPEN, 2 HALF_OPEN), checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    state_after: Option<u8>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Fill {
    requests: u64,
    seconds: f64,
    calls_per_second: f64,
}

/// What a measured call must show, so a row measures the scenario it names.
#[derive(Clone, Copy, Default)]
struct Expect {
    allowed: Option<bool>,
    state: Option<u8>,
}

fn allowed(a: bool) -> Expect {
    Expect {
        allowed: Some(a),
        state: None,
    }
}

fn state(s: u8) -> Expect {
    Expect {
        allowed: None,
        state: Some(s),
    }
}

fn both(a: bool, s: u8) -> Expect {
    Expect {
        allowed: Some(a),
        state: Some(s),
    }
}

/// The chain, the block clock and the rows.
struct Bench {
    engine: Engine,
    time: u64,
    height: u64,
    rows: Vec<Row>,
}

impl Bench {
    /// Later transactions run at `t` (unix seconds), each in its own block.
    fn at(&mut self, t: u64) {
        self.time = t;
    }

    fn exec(&mut self, sender: &str, contract: &str, msg: &Value) -> Result<TxOutcome> {
        self.height += 1;
        self.engine
            .set_block(Some(self.height), Some(self.time * 1_000_000_000), None);
        let bytes = serde_json::to_vec(msg)?;
        self.engine
            .execute(sender, contract, &bytes, None)
            .map_err(|f| anyhow!("bench transaction failed: {msg}: {f}"))
    }

    fn query(&mut self, contract: &str, msg: &Value) -> Result<Value> {
        let out = self
            .engine
            .query(contract, &serde_json::to_vec(msg)?)
            .map_err(|f| anyhow!("bench query failed: {msg}: {f}"))?;
        Ok(serde_json::from_slice(out.data.as_slice())?)
    }

    #[allow(clippy::too_many_arguments)]
    fn measure(
        &mut self,
        component: &'static str,
        operation: &'static str,
        scenario: &str,
        sender: &str,
        contract: &str,
        msg: Value,
        expect: Expect,
    ) -> Result<()> {
        let wasm_msg = msg
            .as_object()
            .and_then(|o| o.keys().next())
            .cloned()
            .unwrap_or_default();
        let out = self.exec(sender, contract, &msg)?;
        let allowed = match &out.data {
            Some(d) => serde_json::from_slice::<Value>(d.as_slice())
                .ok()
                .and_then(|v| v["allowed"].as_bool()),
            None => None,
        };
        if let Some(want) = expect.allowed {
            ensure!(
                allowed == Some(want),
                "{component} {operation} \"{scenario}\": allowed = {allowed:?}, expected {want}"
            );
        }
        let state_after = match expect.state {
            Some(want) => {
                let status = self.query(contract, &json!({"status": pair(1)}))?;
                let got = status["state"].as_u64().map(|s| s as u8);
                ensure!(
                    got == Some(want),
                    "{component} {operation} \"{scenario}\": state after = {got:?}, expected {want}"
                );
                got
            }
            None => None,
        };
        let b = out.gas.breakdown;
        ensure!(
            b.setup + b.storage + b.wasm + b.events == out.gas.sdk,
            "{scenario}: SDK gas {} is not the sum of its breakdown {b:?}",
            out.gas.sdk
        );
        self.rows.push(Row {
            component,
            operation,
            wasm_msg,
            scenario: scenario.to_string(),
            vm_gas: out.gas.vm,
            sdk_gas: out.gas.sdk,
            sdk_breakdown: SdkBreakdown {
                setup: b.setup,
                storage: b.storage,
                wasm: b.wasm,
                events: b.events,
            },
            allowed,
            state_after,
        });
        Ok(())
    }
}

/// `{executor_id, action_id}` of pair `executor` with the bench action.
fn pair(executor: u64) -> Value {
    json!({"executor_id": executor.to_string(), "action_id": ACTION})
}

fn with_pair(executor: u64, extra: Value) -> Value {
    let mut v = pair(executor);
    if let (Some(o), Some(e)) = (v.as_object_mut(), extra.as_object()) {
        for (k, x) in e {
            o.insert(k.clone(), x.clone());
        }
    }
    v
}

fn consume(executor: u64) -> Value {
    json!({"consume": pair(executor)})
}

fn rl_config(capacity: u64, window: u64, buckets: u64) -> Value {
    json!({"capacity": capacity, "window": window, "buckets": buckets})
}

fn set_pair_config(executor: u64, config: Value) -> Value {
    json!({"set_pair_config": with_pair(executor, json!({"config": config}))})
}

/// The spec's data: `common.json` and a component file.
struct Spec {
    time_origin: u64,
    common: Value,
    rate_limiter: Value,
    circuit_breaker: Value,
}

impl Spec {
    fn load() -> Result<Self> {
        let dir = vagus_conformance::spec::spec_dir();
        let read = |f: &str| -> Result<Value> {
            let p = dir.join(f);
            let text = std::fs::read_to_string(&p).with_context(|| p.display().to_string())?;
            Ok(serde_json::from_str(&text)?)
        };
        let common = read("common.json")?;
        Ok(Spec {
            time_origin: common["timeOrigin"]
                .as_u64()
                .ok_or_else(|| anyhow!("spec/common.json: no timeOrigin"))?,
            common,
            rate_limiter: read("rate-limiter.json")?,
            circuit_breaker: read("circuit-breaker.json")?,
        })
    }

    fn role(&self, key: &str) -> Result<String> {
        self.common["roles"][key]["wasm"]
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| anyhow!("spec/common.json: no wasm name for role {key}"))
    }

    fn default(component: &Value, param: &str) -> Result<u64> {
        component["params"][param]["default"]
            .as_u64()
            .ok_or_else(|| anyhow!("spec: no default for {param}"))
    }
}

/// An artifact: its bytes, and its line of `checksums.txt`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Artifact {
    file: String,
    bytes: usize,
    /// sha256 from `artifacts/wasm/checksums.txt`.
    sha256: String,
    /// The checksum the engine computed when storing the code.
    stored_checksum: String,
    code_id: u64,
}

fn artifacts_dir() -> PathBuf {
    support::artifacts_dir()
}

fn checksums_txt() -> Result<Vec<(String, String)>> {
    let path = artifacts_dir().join("checksums.txt");
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "{} (build the artifacts: bash scripts/build-wasm.sh --no-schema)",
            path.display()
        )
    })?;
    Ok(text
        .lines()
        .filter_map(|l| {
            let mut it = l.split_whitespace();
            Some((it.next()?.to_string(), it.next()?.to_string()))
        })
        .collect())
}

fn deploy(
    engine: &mut Engine,
    checksums: &[(String, String)],
    file: &str,
    admin: &str,
    init: &Value,
    label: &str,
) -> Result<(String, Artifact, u64, u64)> {
    let path = artifacts_dir().join(file);
    let wasm = std::fs::read(&path).with_context(|| {
        format!(
            "{} is missing: bash scripts/build-wasm.sh --no-schema",
            path.display()
        )
    })?;
    let listed = checksums
        .iter()
        .find(|(_, f)| f == file)
        .map(|(c, _)| c.clone())
        .ok_or_else(|| anyhow!("{file} is not in checksums.txt"))?;
    let code = engine.store_code(&wasm, admin)?;
    ensure!(
        code.checksum.to_hex() == listed,
        "{file}: checksum {} differs from checksums.txt ({listed}); rebuild the artifacts",
        code.checksum.to_hex()
    );
    let out = engine
        .instantiate(
            admin,
            code.code_id,
            &serde_json::to_vec(init)?,
            Some(admin),
            label,
            None,
        )
        .map_err(|f| anyhow!("instantiate {file}: {f}"))?;
    let address = out
        .address
        .ok_or_else(|| anyhow!("instantiate gave no address"))?;
    Ok((
        address,
        Artifact {
            file: file.to_string(),
            bytes: wasm.len(),
            sha256: listed,
            stored_checksum: code.checksum.to_hex(),
            code_id: code.code_id,
        },
        out.gas.vm,
        out.gas.sdk,
    ))
}

/// The RateLimiter rows: `scripts/bench/rate-limiter.ts`, call for call.
fn bench_rate_limiter(
    b: &mut Bench,
    rl: &str,
    spec: &Spec,
    t0: u64,
    fill_sizes: &[u64],
) -> Result<Occupancy> {
    let admin = b.engine.addr_make("admin");
    let consumer = b.engine.addr_make("consumer");
    let grant = json!({"grant_role": {"role": spec.role("CONSUMER")?, "account": consumer}});
    b.exec(&admin, rl, &grant)?;
    let c = consumer.as_str();

    // Default config: B = 10 s. All at t0 + 1 (one bucket) unless said otherwise.
    b.at(t0 + 1);
    b.measure(
        RL,
        "consume",
        "allowed, first call on a pair",
        c,
        rl,
        consume(1),
        allowed(true),
    )?;
    b.exec(c, rl, &consume(1))?;
    b.measure(
        RL,
        "consume",
        "allowed, steady state (same bucket)",
        c,
        rl,
        consume(1),
        allowed(true),
    )?;
    b.at(t0 + 11);
    b.measure(
        RL,
        "consume",
        "allowed, first call in a new bucket",
        c,
        rl,
        consume(1),
        allowed(true),
    )?;
    b.at(t0 + 200);
    b.measure(
        RL,
        "consume",
        "allowed, after the whole window expired",
        c,
        rl,
        consume(1),
        allowed(true),
    )?;

    // Denied: capacity 1 on pair 2.
    b.exec(&admin, rl, &set_pair_config(2, rl_config(1, 60, 6)))?;
    b.exec(c, rl, &consume(2))?;
    b.measure(
        RL,
        "consume",
        "denied (window full), first denial",
        c,
        rl,
        consume(2),
        allowed(false),
    )?;
    b.measure(
        RL,
        "consume",
        "denied (window full), steady state",
        c,
        rl,
        consume(2),
        allowed(false),
    )?;

    // The largest ring (K = 64): the cost grows with K, not with traffic.
    b.exec(&admin, rl, &set_pair_config(3, rl_config(64, 64, 64)))?;
    b.at(t0 + 400);
    b.exec(c, rl, &consume(3))?;
    b.measure(
        RL,
        "consume",
        "allowed, steady state, K=64 (8 words)",
        c,
        rl,
        consume(3),
        allowed(true),
    )?;
    b.at(t0 + 401);
    b.measure(
        RL,
        "consume",
        "allowed, first call in a new bucket, K=64",
        c,
        rl,
        consume(3),
        allowed(true),
    )?;
    for _ in 0..62 {
        b.exec(c, rl, &consume(3))?;
    }
    b.measure(
        RL,
        "consume",
        "denied, K=64 (retry walk over 63 buckets, worst case)",
        c,
        rl,
        consume(3),
        allowed(false),
    )?;

    // Occupancy: pairs 10, 11, 12 (K = 6, W = 3600 s), filled with n real consumes inside
    // one window, then one more measured.
    let start = t0 + 3600;
    b.at(start);
    for i in 0..fill_sizes.len() as u64 {
        b.exec(
            &admin,
            rl,
            &set_pair_config(10 + i, rl_config(1_000_000, 3600, 6)),
        )?;
    }
    let mut fills = Vec::new();
    for (i, &n) in fill_sizes.iter().enumerate() {
        let msg = consume(10 + i as u64);
        let began = Instant::now();
        for _ in 0..n {
            b.exec(c, rl, &msg)?;
        }
        let seconds = began.elapsed().as_secs_f64();
        fills.push(Fill {
            requests: n,
            seconds,
            calls_per_second: n as f64 / seconds.max(1e-9),
        });
    }
    let mut record_bytes = Vec::new();
    for (i, &n) in fill_sizes.iter().enumerate() {
        let executor = 10 + i as u64;
        let usage = b.query(rl, &json!({"usage": pair(executor)}))?;
        ensure!(
            usage["used"].as_u64() == Some(n),
            "fill of pair {executor}: window holds {}, expected {n}",
            usage["used"]
        );
        record_bytes.push(pair_record_bytes(&b.engine, rl, executor));
        b.measure(
            RL,
            "consume",
            &format!("allowed, window holds {} (K=6, W=3600)", thousands(n)),
            c,
            rl,
            consume(executor),
            allowed(true),
        )?;
    }

    // Control (not a row): a pair whose window holds 1 but whose `requests` counter went
    // through the largest fill in an earlier window. If the spread follows the stored
    // numbers' digits rather than the occupancy, this lands between the extremes.
    let n = fill_sizes.last().copied().unwrap_or(0);
    let ctl = 10 + fill_sizes.len() as u64;
    b.exec(
        &admin,
        rl,
        &set_pair_config(ctl, rl_config(1_000_000, 3600, 6)),
    )?;
    for _ in 0..n {
        b.exec(c, rl, &consume(ctl))?;
    }
    b.at(start + 3600);
    b.exec(c, rl, &consume(ctl))?;
    let usage = b.query(rl, &json!({"usage": pair(ctl)}))?;
    ensure!(
        usage["used"].as_u64() == Some(1),
        "control pair holds {}",
        usage["used"]
    );
    let control_bytes = pair_record_bytes(&b.engine, rl, ctl);
    b.measure(
        RL,
        "consume",
        &format!(
            "control: window holds 1, `requests` counter at {} (K=6, W=3600)",
            thousands(n + 2)
        ),
        c,
        rl,
        consume(ctl),
        allowed(true),
    )?;
    let control = b.rows.pop().ok_or_else(|| anyhow!("control row"))?;
    Ok(Occupancy {
        fills,
        record_bytes,
        control,
        control_bytes,
    })
}

/// The occupancy measurements besides the rows.
struct Occupancy {
    fills: Vec<Fill>,
    /// Bytes of the stored pair record of each filled pair, before the measured consume.
    record_bytes: Vec<usize>,
    /// The control consume (window holds 1, large counter) and its record's bytes.
    control: Row,
    control_bytes: usize,
}

/// Bytes of the stored `PAIRS` record of a pair (cw-storage-plus key: length-prefixed
/// namespace and executor id, then the action bytes), 0 if not found.
fn pair_record_bytes(engine: &Engine, contract: &str, executor: u64) -> usize {
    let mut key = Vec::new();
    key.extend_from_slice(&[0, 5]);
    key.extend_from_slice(b"pairs");
    key.extend_from_slice(&[0, 8]);
    key.extend_from_slice(&executor.to_be_bytes());
    key.extend_from_slice(&hex_bytes(ACTION));
    engine
        .contract_storage(contract)
        .into_iter()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.len())
        .unwrap_or(0)
}

fn hex_bytes(h: &str) -> Vec<u8> {
    (0..h.len())
        .step_by(2)
        .filter_map(|i| u8::from_str_radix(&h[i..i + 2], 16).ok())
        .collect()
}

/// The CircuitBreaker rows: `scripts/bench/circuit-breaker.ts`, call for call.
fn bench_circuit_breaker(b: &mut Bench, cb: &str, spec: &Spec, t0: u64) -> Result<()> {
    let p = &spec.circuit_breaker;
    let f = Spec::default(p, "failureThreshold")?;
    let s = Spec::default(p, "successThreshold")?;
    let probes = Spec::default(p, "halfOpenMaxProbes")?;
    let cooldown = Spec::default(p, "cooldown")?;
    let admin = b.engine.addr_make("admin");
    let consumer = b.engine.addr_make("consumer");
    let reporter = b.engine.addr_make("reporter");
    let guardian = b.engine.addr_make("guardian");
    for (role, who) in [
        ("CONSUMER", &consumer),
        ("REPORTER", &reporter),
        ("GUARDIAN", &guardian),
    ] {
        let grant = json!({"grant_role": {"role": spec.role(role)?, "account": who}});
        b.exec(&admin, cb, &grant)?;
    }
    let (req, rep, grd) = (consumer.as_str(), reporter.as_str(), guardian.as_str());
    let request = || json!({"request": pair(1)});
    let outcome =
        |success: bool| json!({"record_outcome": with_pair(1, json!({"success": success}))});
    let guardian_op = |op: &str| json!({ op: pair(1) });

    b.at(t0);
    b.measure(
        CB,
        "request",
        "allowed (CLOSED), first call on a pair",
        req,
        cb,
        request(),
        both(true, CLOSED),
    )?;
    b.measure(
        CB,
        "request",
        "allowed (CLOSED), steady state",
        req,
        cb,
        request(),
        both(true, CLOSED),
    )?;
    b.measure(
        CB,
        "recordOutcome",
        "success (CLOSED), first outcome on the pair",
        rep,
        cb,
        outcome(true),
        state(CLOSED),
    )?;
    b.measure(
        CB,
        "recordOutcome",
        "success (CLOSED), steady state",
        rep,
        cb,
        outcome(true),
        state(CLOSED),
    )?;
    b.measure(
        CB,
        "recordOutcome",
        "failure (CLOSED, below threshold)",
        rep,
        cb,
        outcome(false),
        state(CLOSED),
    )?;
    for _ in 2..f {
        b.exec(rep, cb, &outcome(false))?;
    }
    b.measure(
        CB,
        "recordOutcome",
        "failure: CLOSED → OPEN (FAILURE_THRESHOLD)",
        rep,
        cb,
        outcome(false),
        state(OPEN),
    )?;
    b.measure(
        CB,
        "request",
        "denied (OPEN)",
        req,
        cb,
        request(),
        both(false, OPEN),
    )?;
    b.measure(
        CB,
        "recordOutcome",
        "outcome while OPEN (counted only)",
        rep,
        cb,
        outcome(true),
        state(OPEN),
    )?;

    b.at(t0 + cooldown);
    b.measure(
        CB,
        "request",
        "allowed: OPEN → HALF_OPEN lazy (COOLDOWN_ELAPSED) + probe",
        req,
        cb,
        request(),
        both(true, HALF_OPEN),
    )?;
    b.measure(
        CB,
        "request",
        "allowed probe (HALF_OPEN)",
        req,
        cb,
        request(),
        both(true, HALF_OPEN),
    )?;
    for _ in 1..s {
        b.exec(rep, cb, &outcome(true))?;
    }
    b.measure(
        CB,
        "recordOutcome",
        "success: HALF_OPEN → CLOSED (PROBES_SUCCEEDED)",
        rep,
        cb,
        outcome(true),
        state(CLOSED),
    )?;

    b.measure(
        CB,
        "trip",
        "guardian: CLOSED → OPEN (GUARDIAN_TRIP)",
        grd,
        cb,
        guardian_op("trip"),
        state(OPEN),
    )?;
    b.measure(
        CB,
        "forceHalfOpen",
        "guardian: OPEN → HALF_OPEN (GUARDIAN_HALF_OPEN)",
        grd,
        cb,
        guardian_op("force_half_open"),
        state(HALF_OPEN),
    )?;
    for _ in 0..probes {
        b.exec(req, cb, &request())?;
    }
    b.measure(
        CB,
        "request",
        "denied (HALF_OPEN, probe limit reached)",
        req,
        cb,
        request(),
        both(false, HALF_OPEN),
    )?;
    b.measure(
        CB,
        "recordOutcome",
        "failure: HALF_OPEN → OPEN (PROBE_FAILED)",
        rep,
        cb,
        outcome(false),
        state(OPEN),
    )?;
    b.measure(
        CB,
        "reset",
        "guardian: OPEN → CLOSED (GUARDIAN_RESET)",
        grd,
        cb,
        guardian_op("reset"),
        state(CLOSED),
    )?;
    Ok(())
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// `text` in lines of at most `width` characters (split at spaces).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let last = lines.last_mut().expect("a line");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > width {
            lines.push(word.to_string());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

fn table(rows: &[Row]) -> String {
    let head = [
        "component",
        "operation",
        "scenario",
        "VM gas",
        "SDK gas",
        "setup",
        "storage",
        "wasm",
        "events",
    ];
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.component.to_string(),
                r.operation.to_string(),
                r.scenario.clone(),
                thousands(r.vm_gas),
                thousands(r.sdk_gas),
                thousands(r.sdk_breakdown.setup),
                thousands(r.sdk_breakdown.storage),
                thousands(r.sdk_breakdown.wasm),
                thousands(r.sdk_breakdown.events),
            ]
        })
        .collect();
    let widths: Vec<usize> = (0..head.len())
        .map(|i| {
            body.iter()
                .map(|b| b[i].chars().count())
                .chain([head[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        cells
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let pad = " ".repeat(widths[i] - c.chars().count());
                if i >= 3 {
                    format!("{pad}{c}")
                } else {
                    format!("{c}{pad}")
                }
            })
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut out = vec![
        line(&head.map(str::to_string)),
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    ];
    out.extend(body.iter().map(|b| line(b)));
    out.join("\n")
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of the system clock (civil-from-days, no date crate).
fn iso_now() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_millis()
    )
}

/// The version of `crate` in the workspace's Cargo.lock.
fn locked_version(root: &Path, krate: &str) -> Option<String> {
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).ok()?;
    let mut lines = lock.lines();
    while let Some(l) = lines.next() {
        if l.trim() == format!("name = \"{krate}\"") {
            let v = lines.next()?.trim();
            return v
                .strip_prefix("version = \"")
                .and_then(|v| v.strip_suffix('"'))
                .map(str::to_string);
        }
    }
    None
}

/// Row names of `reports/bench-evm.json` missing here, and ours missing there.
fn compare_with_evm(root: &Path, rows: &[Row]) -> Option<(Vec<String>, Vec<String>)> {
    let text = std::fs::read_to_string(root.join("reports/bench-evm.json")).ok()?;
    let evm: Value = serde_json::from_str(&text).ok()?;
    let key = |c: &str, o: &str, s: &str| format!("{c} {o}: {s}");
    let theirs: BTreeSet<String> = evm["rows"]
        .as_array()?
        .iter()
        .map(|r| {
            key(
                r["component"].as_str().unwrap_or(""),
                r["operation"].as_str().unwrap_or(""),
                r["scenario"].as_str().unwrap_or(""),
            )
        })
        .collect();
    let ours: BTreeSet<String> = rows
        .iter()
        .map(|r| key(r.component, r.operation, &r.scenario))
        .collect();
    Some((
        theirs.difference(&ours).cloned().collect(),
        ours.difference(&theirs).cloned().collect(),
    ))
}

/// `reports/bench-wasm.json`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Report<'a> {
    generated_at: String,
    engine: EngineInfo,
    artifacts: Vec<Artifact>,
    /// Instantiation (not a bench-evm.json row: the EVM bench does not measure deployment).
    deploy: Vec<Deploy>,
    note: &'static str,
    rows: &'a [Row],
    fills: &'a [Fill],
    occupancy: OccupancyReport<'a>,
    vectors: Option<VectorsReport>,
    rows_vs_evm: Option<RowsVsEvm>,
    seconds: f64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EngineInfo {
    #[serde(rename = "crate")]
    krate: &'static str,
    version: &'static str,
    cosmwasm_vm: String,
    capabilities: &'static str,
    gas_multiplier: u64,
    profile: &'static str,
    block_height_start: u64,
    block_time_origin: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Deploy {
    component: &'static str,
    vm_gas: u64,
    sdk_gas: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct OccupancyReport<'a> {
    sdk_spread_gas: u64,
    vm_spread_gas: u64,
    sdk_spread_by_part: SdkBreakdown,
    pair_record_bytes: &'a [usize],
    control: &'a Row,
    control_record_bytes: usize,
    explanation: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct VectorsReport {
    files: usize,
    steps: usize,
    failures: usize,
    seconds: f64,
    steps_per_second: f64,
    note: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RowsVsEvm {
    only_in_evm: Vec<String>,
    only_in_wasm: Vec<String>,
}

struct Args {
    quick: bool,
    vectors: bool,
    out: PathBuf,
}

fn args(root: &Path) -> Result<Args> {
    let mut a = Args {
        quick: std::env::var("VAGUS_BENCH_QUICK").as_deref() == Ok("1"),
        vectors: true,
        out: root.join("reports/bench-wasm.json"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--quick" => a.quick = true,
            "--no-vectors" => a.vectors = false,
            "--out" => {
                a.out = PathBuf::from(it.next().ok_or_else(|| anyhow!("--out needs a path"))?)
            }
            "-h" | "--help" => {
                println!("usage: bench [--quick] [--no-vectors] [--out PATH]");
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (try --help)"),
        }
    }
    Ok(a)
}

/// The safety-core rows (issue 3 item 10): the seven compiled artifacts deployed and wired
/// as `vagus_conformance::system` does (the deployment the engine tests use), each row one
/// transaction measured in the VM and in SDK gas.
fn bench_safety_core(rows: &mut Vec<Row>, t0: u64) -> Result<Vec<Artifact>> {
    use vagus_conformance::system::{action, root, System};
    let mut s = System::deploy(
        EngineBackend::fresh()?,
        &[(
            RL,
            json!({"default_config": {"capacity": 100000, "window": 60, "buckets": 6}}),
        )],
    )?;
    s.height = HEIGHT0;
    s.at(1000);
    let checksums = checksums_txt()?;
    let artifacts = vagus_conformance::system::COMPONENTS
        .iter()
        .skip(2)
        .map(|name| {
            let c = vagus_conformance::components::by_name(name).expect("component");
            let wasm = std::fs::read(artifacts_dir().join(c.wasm_artifact))?;
            let listed = checksums
                .iter()
                .find(|(_, f)| f == c.wasm_artifact)
                .map(|(c, _)| c.clone())
                .unwrap_or_default();
            let code_id = s
                .chain
                .engine
                .contract_info(&s.addr(name))
                .map(|i| i.code_id)
                .unwrap_or_default();
            Ok(Artifact {
                file: c.wasm_artifact.to_string(),
                bytes: wasm.len(),
                sha256: listed.clone(),
                stored_checksum: listed,
                code_id,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let _ = t0;

    fn row(
        rows: &mut Vec<Row>,
        component: &'static str,
        operation: &'static str,
        scenario: &str,
        msg: &Value,
        out: &TxOutcome,
    ) {
        let b = out.gas.breakdown;
        rows.push(Row {
            component,
            operation,
            wasm_msg: msg
                .as_object()
                .and_then(|o| o.keys().next())
                .cloned()
                .unwrap_or_default(),
            scenario: scenario.to_string(),
            vm_gas: out.gas.vm,
            sdk_gas: out.gas.sdk,
            sdk_breakdown: SdkBreakdown {
                setup: b.setup,
                storage: b.storage,
                wasm: b.wasm,
                events: b.events,
            },
            allowed: None,
            state_after: None,
        });
    }
    let measure = |s: &mut System<EngineBackend>,
                   rows: &mut Vec<Row>,
                   actor: &str,
                   on: &'static str,
                   operation: &'static str,
                   scenario: &str,
                   msg: Value|
     -> Result<TxOutcome> {
        s.advance(1);
        let sender = s.actor(actor);
        let contract = s.addr(on);
        let out = s
            .chain
            .engine
            .execute(&sender, &contract, &serde_json::to_vec(&msg)?, None)
            .map_err(|f| anyhow!("{on} {operation} ({scenario}): {f}"))?;
        row(rows, on, operation, scenario, &msg, &out);
        Ok(out)
    };
    let issue = |s: &System<EngineBackend>, executor: u64, nonce: u64| -> Value {
        let mut intent = s.intent(nonce, [1, 100, 100], 600);
        intent["executor_id"] = json!(executor.to_string());
        intent["not_before"] = json!((s.now + 1).to_string());
        intent["not_after"] = json!((s.now + 600).to_string());
        json!({"issue": {"intent": intent}})
    };
    let issued = |out: &TxOutcome| -> Result<()> {
        let data: Value =
            serde_json::from_slice(out.data.as_ref().map(|d| d.as_slice()).unwrap_or(b"null"))?;
        ensure!(data["issued"] == json!(true), "not issued: {data}");
        Ok(())
    };
    const ISS: &str = "CapabilityIssuer";
    let msg = issue(&s, 1, 1);
    let out = measure(
        &mut s,
        rows,
        "planner",
        ISS,
        "issue",
        "SAFE, first for the pair",
        msg,
    )?;
    issued(&out)?;
    let msg = issue(&s, 1, 2);
    let out = measure(
        &mut s,
        rows,
        "planner",
        ISS,
        "issue",
        "SAFE, steady state",
        msg,
    )?;
    issued(&out)?;
    let tone = |ppm: u32| json!({"update_tone": {"executor_id": "1", "tone_ppm": ppm}});
    measure(
        &mut s,
        rows,
        "oracle",
        "ANSStateManager",
        "updateTone",
        "no transition",
        tone(100_000),
    )?;
    measure(
        &mut s,
        rows,
        "oracle",
        "ANSStateManager",
        "updateTone",
        "no transition (danger streak 1)",
        tone(600_000),
    )?;
    let out = measure(
        &mut s,
        rows,
        "oracle",
        "ANSStateManager",
        "updateTone",
        "transition SAFE to DANGER (reflex notified, fires, revokeAll)",
        tone(600_000),
    )?;
    ensure!(
        out.events.iter().any(|e| e.ty == "wasm-all_revoked"),
        "the DANGER reflex did not revoke"
    );
    // A second pair (action 2) for a first-in-DANGER issue.
    s.exec_ok(
        "admin",
        "VagalBrake",
        json!({"set_action_schema": {"action_id": action(2), "params": [
            {"name": "tool", "brakeable": false, "cap": "10"},
            {"name": "force", "brakeable": true, "cap": "800"},
            {"name": "speed", "brakeable": true, "cap": "500"}]}}),
    )?;
    let mut msg = issue(&s, 1, 3);
    msg["issue"]["intent"]["action_id"] = json!(action(2));
    let out = measure(
        &mut s,
        rows,
        "planner",
        ISS,
        "issue",
        "DANGER, first for the pair",
        msg,
    )?;
    issued(&out)?;
    let mut msg = issue(&s, 1, 4);
    msg["issue"]["intent"]["action_id"] = json!(action(2));
    let out = measure(
        &mut s,
        rows,
        "planner",
        ISS,
        "issue",
        "DANGER, steady state",
        msg,
    )?;
    issued(&out)?;
    let evidence = json!({"post_evidence": {"executor_id": "1", "state_root": root(1), "metrics": {
        "sequence": "2", "risk_ppm": 1000, "force_milli_n": "10", "velocity_milli_mps": "10",
        "temperature_milli_c": "20000"}}});
    measure(
        &mut s,
        rows,
        "attestor",
        "AfferentInbox",
        "postEvidence",
        "CBOR + sha256 + keccak256, reflex notified (below thresholds)",
        evidence,
    )?;
    measure(
        &mut s,
        rows,
        "revoker",
        ISS,
        "revoke",
        "one token",
        json!({"revoke": {"token_id": "4", "reason": "bench"}}),
    )?;
    // revokeAll with 1 / 10 / 100 / 1,000 tokens: one executor each.
    for (i, n) in [1u64, 10, 100, 1000].into_iter().enumerate() {
        let executor = 10 + i as u64;
        let account = s.actor(&format!("robot{executor}"));
        s.exec_ok(
            "admin",
            ISS,
            json!({"register_executor": {"executor_id": executor.to_string(), "account": account}}),
        )?;
        s.exec_ok(
            "attestor",
            "AfferentInbox",
            json!({"post_evidence": {"executor_id": executor.to_string(), "state_root": root(1),
                "metrics": {"sequence": "1", "risk_ppm": 0, "force_milli_n": "0",
                "velocity_milli_mps": "0", "temperature_milli_c": "0"}}}),
        )?;
        for nonce in 1..=n {
            let mut intent = s.intent(nonce, [1, 100, 100], 600);
            intent["executor_id"] = json!(executor.to_string());
            let (r, _) = s.issue_intent(intent)?;
            ensure!(r["issued"] == json!(true), "{r}");
        }
        let reason =
            json!({"revoke_all": {"executor_id": executor.to_string(), "reason": "bench"}});
        measure(
            &mut s,
            rows,
            "revoker",
            ISS,
            "revokeAll",
            &format!("{n} tokens"),
            reason,
        )?;
    }
    measure(
        &mut s,
        rows,
        "guardian",
        "ReflexArc",
        "trigger",
        "manual (revokeAll through the issuer)",
        json!({"trigger": {"executor_id": "1", "reason": "bench"}}),
    )?;
    let flat: Vec<u64> = rows
        .iter()
        .filter(|r| r.operation == "revokeAll")
        .map(|r| r.vm_gas)
        .collect();
    ensure!(
        flat.windows(2).all(|w| w[0] == w[1]),
        "revokeAll VM gas is not flat over 1/10/100/1000 tokens: {flat:?}"
    );
    Ok(artifacts)
}

fn main() -> Result<()> {
    let started = Instant::now();
    let root = repo_root();
    let args = args(&root)?;
    let fill_sizes: &[u64] = if args.quick {
        &[1, 100]
    } else {
        &[1, 100, 10_000]
    };
    let spec = Spec::load()?;
    let t0 = spec.time_origin;
    let checksums = checksums_txt()?;

    let mut engine = support::engine();
    let admin = engine.addr_make("admin");
    let rl_init = json!({
        "admin": admin,
        "default_config": rl_config(
            Spec::default(&spec.rate_limiter, "capacity")?,
            Spec::default(&spec.rate_limiter, "window")?,
            Spec::default(&spec.rate_limiter, "buckets")?,
        ),
    });
    let cbp = &spec.circuit_breaker;
    let cb_init = json!({
        "admin": admin,
        "config": {
            "failure_threshold": Spec::default(cbp, "failureThreshold")?,
            "cooldown": Spec::default(cbp, "cooldown")?,
            "half_open_max_probes": Spec::default(cbp, "halfOpenMaxProbes")?,
            "success_threshold": Spec::default(cbp, "successThreshold")?,
        },
    });
    engine.set_block(Some(HEIGHT0), Some(t0 * 1_000_000_000), None);
    let (rl, rl_art, rl_vm, rl_sdk) = deploy(
        &mut engine,
        &checksums,
        "rate_limiter.wasm",
        &admin,
        &rl_init,
        "rate-limiter",
    )?;
    let (cb, cb_art, cb_vm, cb_sdk) = deploy(
        &mut engine,
        &checksums,
        "circuit_breaker.wasm",
        &admin,
        &cb_init,
        "circuit-breaker",
    )?;

    let mut b = Bench {
        engine,
        time: t0,
        height: HEIGHT0,
        rows: Vec::new(),
    };
    let occupancy = bench_rate_limiter(&mut b, &rl, &spec, t0, fill_sizes)?;
    let fills = &occupancy.fills;
    bench_circuit_breaker(&mut b, &cb, &spec, t0 + 100_000)?;
    let mut rows = b.rows;
    let core_artifacts = bench_safety_core(&mut rows, t0)?;

    println!("{}", table(&rows));
    println!(
        "\nVM gas = CosmWasm gas metered in cosmwasm-vm (storage excluded); SDK gas = setup + storage + wasm + events,\n\
         what wasmd's x/wasm charges the contract part of the transaction (wasm = VM gas / {GAS_MULTIPLIER}, per call).\n\
         Not included: ante handler (signatures, tx size, fee) and x/wasm's own bookkeeping reads.\n\
         SDK gas and EVM gas are different units: compare shapes (what grows with what), not values."
    );
    println!(
        "deploy: rate_limiter instantiate {} SDK gas ({} VM gas), circuit_breaker instantiate {} SDK gas ({} VM gas)",
        thousands(rl_sdk),
        thousands(rl_vm),
        thousands(cb_sdk),
        thousands(cb_vm)
    );
    for f in fills {
        println!(
            "fill: {} real consumes in {:.2} s ({:.0} calls/s)",
            thousands(f.requests),
            f.seconds,
            f.calls_per_second
        );
    }

    // Occupancy independence.
    let occ: Vec<&Row> = rows
        .iter()
        .filter(|r| r.scenario.starts_with("allowed, window holds"))
        .collect();
    let spread = |g: &dyn Fn(&Row) -> u64| {
        occ.iter().map(|r| g(r)).max().unwrap_or(0) - occ.iter().map(|r| g(r)).min().unwrap_or(0)
    };
    let sdk_spread = spread(&|r| r.sdk_gas);
    let vm_spread = spread(&|r| r.vm_gas);
    let part_spreads = [
        ("setup", spread(&|r| r.sdk_breakdown.setup)),
        ("storage", spread(&|r| r.sdk_breakdown.storage)),
        ("wasm", spread(&|r| r.sdk_breakdown.wasm)),
        ("events", spread(&|r| r.sdk_breakdown.events)),
    ];
    let holds = fill_sizes
        .iter()
        .map(|n| thousands(*n))
        .collect::<Vec<_>>()
        .join(" / ");
    println!("\nconsume after the window was filled with {holds} real consumes (target: independent of traffic):");
    let ctl = &occupancy.control;
    let labels: Vec<&str> = occ
        .iter()
        .map(|r| r.scenario.trim_start_matches("allowed, "))
        .chain([ctl.scenario.trim_start_matches("control: ")])
        .collect();
    let w = labels.iter().map(|l| l.chars().count()).max().unwrap_or(0);
    let occ_line = |label: &str, bytes: usize, r: &Row| {
        println!(
            "  {label:<w$}  {bytes:>12}  {:>8}  {:>12}",
            thousands(r.sdk_gas),
            thousands(r.vm_gas)
        )
    };
    println!(
        "  {:<w$}  {:>12}  {:>8}  {:>12}",
        "pair", "record bytes", "SDK gas", "VM gas"
    );
    for ((r, bytes), label) in occ.iter().zip(&occupancy.record_bytes).zip(&labels) {
        occ_line(label, *bytes, r);
    }
    occ_line(labels[labels.len() - 1], occupancy.control_bytes, ctl);
    println!(
        "  spread over {holds}: {sdk_spread} SDK gas ({}), {} VM gas",
        part_spreads
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(", "),
        thousands(vm_spread)
    );
    let bytes_min = occupancy.record_bytes.iter().min().copied().unwrap_or(0);
    let bytes_max = occupancy.record_bytes.iter().max().copied().unwrap_or(0);
    let explanation = if sdk_spread == 0 && vm_spread == 0 {
        format!(
            "identical: a pair's usage is one fixed-width record ({bytes_min} bytes for this K) read and \
             written once per consume, whatever the window holds (control pair: {} SDK gas)",
            thousands(ctl.sdk_gas)
        )
    } else {
        format!(
            "NOT identical: the pair record is {bytes_min}..{bytes_max} bytes across the fills and the \
             storage part spreads by {} SDK gas. The record is meant to be fixed-width \
             (wasm-contracts/contracts/rate-limiter/src/state.rs, docs/decisions/0005): investigate.",
            part_spreads[1].1
        )
    };
    for line in wrap(&explanation, 100) {
        println!("  {line}");
    }

    // Conformance vectors through the engine (the equivalence runner's rate).
    let vectors = if args.vectors {
        let (files, _) = spec_vectors();
        let began = Instant::now();
        let outcomes = run_files_on(&files, EngineBackend::fresh);
        let seconds = began.elapsed().as_secs_f64();
        let steps: usize = outcomes.iter().map(|o| o.steps).sum();
        let failures: usize = outcomes.iter().map(|o| o.failures.len()).sum();
        for o in outcomes.iter().filter(|o| !o.failures.is_empty()) {
            eprintln!("FAIL {}", o.file.display());
            for f in &o.failures {
                eprintln!("  {f}");
            }
        }
        let rate = steps as f64 / seconds.max(1e-9);
        println!(
            "spec/vectors through the engine (vagus-conformance run_files_on, wasm backend): {} files, \
             {steps} steps, {failures} failures in {seconds:.2} s = {rate:.0} steps/s \
             (a fresh chain per file; store/instantiate setup included; codes already compiled)",
            files.len()
        );
        ensure!(
            failures == 0,
            "{failures} vector step(s) failed on the wasm engine"
        );
        Some(VectorsReport {
            files: files.len(),
            steps,
            failures,
            seconds,
            steps_per_second: rate,
            note: "vagus-conformance run_files_on with the engine backend of tests/vectors.rs: a fresh chain \
                   per file on one VM whose codes are already compiled; store/instantiate setup calls included",
        })
    } else {
        None
    };

    // Same rows as the EVM bench?
    let evm_rows = compare_with_evm(&root, &rows);
    match &evm_rows {
        Some((missing_here, missing_there))
            if missing_here.is_empty() && missing_there.is_empty() =>
        {
            println!(
                "rows: the same {} rows as reports/bench-evm.json",
                rows.len()
            )
        }
        Some((missing_here, missing_there)) => {
            for r in missing_here {
                println!("row only in bench-evm.json: {r}");
            }
            for r in missing_there {
                println!("row only here: {r}");
            }
        }
        None => println!(
            "rows: reports/bench-evm.json not found (run npm run bench:evm to compare row names)"
        ),
    }

    let vm_version = locked_version(&root, "cosmwasm-vm").unwrap_or_else(|| "unknown".into());
    let report = Report {
        generated_at: iso_now(),
        engine: EngineInfo {
            krate: "vagus-wasm-engine",
            version: env!("CARGO_PKG_VERSION"),
            cosmwasm_vm: vm_version,
            capabilities: WASMVM_2_2_CAPABILITIES,
            gas_multiplier: GAS_MULTIPLIER,
            profile: if cfg!(debug_assertions) { "dev" } else { "release" },
            block_height_start: HEIGHT0,
            block_time_origin: t0,
        },
        artifacts: vec![rl_art, cb_art].into_iter().chain(core_artifacts).collect(),
        deploy: vec![
            Deploy {
                component: RL,
                vm_gas: rl_vm,
                sdk_gas: rl_sdk,
            },
            Deploy {
                component: CB,
                vm_gas: cb_vm,
                sdk_gas: cb_sdk,
            },
        ],
        note: "vmGas is CosmWasm gas metered in cosmwasm-vm (storage excluded); sdkGas is what wasmd x/wasm \
               charges the contract part of a transaction (setup + storage + wasm + events; wasm = vmGas / \
               gasMultiplier per VM call), without the ante handler and x/wasm bookkeeping. Same deployments, \
               configs and scenarios as bench-evm.json; gas is deterministic, only the timings depend on the machine.",
        rows: &rows,
        fills,
        occupancy: OccupancyReport {
            sdk_spread_gas: sdk_spread,
            vm_spread_gas: vm_spread,
            sdk_spread_by_part: SdkBreakdown {
                setup: part_spreads[0].1,
                storage: part_spreads[1].1,
                wasm: part_spreads[2].1,
                events: part_spreads[3].1,
            },
            pair_record_bytes: &occupancy.record_bytes,
            control: &occupancy.control,
            control_record_bytes: occupancy.control_bytes,
            explanation,
        },
        vectors,
        rows_vs_evm: evm_rows.map(|(only_in_evm, only_in_wasm)| RowsVsEvm {
            only_in_evm,
            only_in_wasm,
        }),
        seconds: started.elapsed().as_secs_f64(),
    };
    if let Some(dir) = args.out.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(
        &args.out,
        format!("{}\n", serde_json::to_string_pretty(&report)?),
    )?;
    println!(
        "\nwrote {} in {:.1} s",
        args.out
            .strip_prefix(std::env::current_dir().unwrap_or_default())
            .unwrap_or(&args.out)
            .display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
