//! The compiled timelock in the embedded engine (cosmwasm-vm 2.2, the deployed bytes) as the
//! governance of a compiled RateLimiter: it holds the limiter's `admin` role and is its wasm
//! admin. A scheduled `set_default_config` and a scheduled `migrate` take effect only once
//! their delay has passed (spec/timelock.md: ready when `timestamp <= block time`).
//!
//! Needs `artifacts/wasm/{timelock,rate_limiter}.wasm` (`bash scripts/build-wasm.sh`); a
//! missing artifact fails the test, never skips it.

use std::path::Path;

use serde_json::{json, Value};
use vagus_wasm_engine::{Engine, EngineConfig, ErrorKind, TxFailure, TxOutcome};

/// `common.json` timeOrigin.
const T0: u64 = 1_998_432_000;
const DELAY: u64 = 3_600;
const ZERO: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn artifact(file: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../artifacts/wasm")
        .join(file);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): run `bash scripts/build-wasm.sh` first",
            path.display()
        )
    })
}

fn bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap()
}

fn b64(v: &Value) -> String {
    cosmwasm_std::Binary::from(bytes(v)).to_base64()
}

struct World {
    engine: Engine,
    timelock: String,
    limiter: String,
    limiter_code: u64,
    proposer: String,
    executor: String,
    deployer: String,
}

impl World {
    fn new() -> Self {
        let mut engine = Engine::new(EngineConfig::default()).unwrap();
        engine.set_block(Some(10), Some(T0 * 1_000_000_000), None);
        let deployer = engine.addr_make("deployer");
        let proposer = engine.addr_make("proposer");
        let executor = engine.addr_make("executor");
        let tl_code = engine
            .store_code(&artifact("timelock.wasm"), &deployer)
            .unwrap()
            .code_id;
        let limiter_code = engine
            .store_code(&artifact("rate_limiter.wasm"), &deployer)
            .unwrap()
            .code_id;
        let timelock = engine
            .instantiate(
                &deployer,
                tl_code,
                &bytes(&json!({
                    "min_delay": DELAY.to_string(),
                    "proposers": [proposer],
                    "executors": [executor],
                    "admin": null
                })),
                None,
                "vagus-timelock",
                None,
            )
            .unwrap()
            .address
            .unwrap();
        // The deployer instantiates the limiter with the timelock as its wasm admin, grants
        // the timelock the `admin` role, then renounces its own.
        let limiter = engine
            .instantiate(
                &deployer,
                limiter_code,
                &bytes(&json!({
                    "admin": deployer,
                    "default_config": {"capacity": 3, "window": 60, "buckets": 6}
                })),
                Some(&timelock),
                "vagus-rate-limiter",
                None,
            )
            .unwrap()
            .address
            .unwrap();
        let mut w = World {
            engine,
            timelock,
            limiter,
            limiter_code,
            proposer,
            executor,
            deployer,
        };
        let (d, l, t) = (w.deployer.clone(), w.limiter.clone(), w.timelock.clone());
        w.exec(
            &d,
            &l,
            json!({"grant_role": {"role": "admin", "account": t}}),
        )
        .unwrap();
        w.exec(
            &d,
            &l,
            json!({"renounce_role": {"role": "admin", "caller_confirmation": d}}),
        )
        .unwrap();
        let info = w.engine.contract_info(&w.limiter).unwrap();
        assert_eq!(info.admin.as_deref(), Some(w.timelock.as_str()));
        w
    }

    fn at(&mut self, offset: u64) {
        let h = self.engine.block().height + 1;
        self.engine
            .set_block(Some(h), Some((T0 + offset) * 1_000_000_000), None);
    }

    fn exec(
        &mut self,
        sender: &str,
        contract: &str,
        msg: Value,
    ) -> Result<TxOutcome, Box<TxFailure>> {
        self.engine.execute(sender, contract, &bytes(&msg), None)
    }

    fn query(&mut self, contract: &str, msg: Value) -> Value {
        let out = self.engine.query(contract, &bytes(&msg)).unwrap();
        serde_json::from_slice(&out.data).unwrap()
    }

    fn state(&mut self, id: &str) -> u64 {
        let t = self.timelock.clone();
        self.query(&t, json!({"get_operation_state": {"id": id}}))["state"]
            .as_u64()
            .unwrap()
    }

    fn capacity(&mut self) -> u64 {
        let l = self.limiter.clone();
        self.query(&l, json!({"default_config": {}}))["capacity"]
            .as_u64()
            .unwrap()
    }

    /// Schedules `call` with a zero predecessor and salt; returns the operation id.
    fn schedule(&mut self, call: &Value) -> String {
        let (p, t) = (self.proposer.clone(), self.timelock.clone());
        let out = self
            .exec(
                &p,
                &t,
                json!({"schedule": {"call": call, "predecessor": ZERO, "salt": ZERO, "delay": DELAY.to_string()}}),
            )
            .unwrap();
        let data: Value = serde_json::from_slice(out.data.as_ref().unwrap()).unwrap();
        data["id"].as_str().unwrap().to_string()
    }

    fn execute(&mut self, call: &Value) -> Result<TxOutcome, Box<TxFailure>> {
        let (e, t) = (self.executor.clone(), self.timelock.clone());
        self.exec(
            &e,
            &t,
            json!({"execute": {"call": call, "predecessor": ZERO, "salt": ZERO}}),
        )
    }
}

fn vagus_code(f: &TxFailure) -> String {
    let m = &f.error.message;
    let start = m.find("vagus:").unwrap_or_else(|| panic!("no code in {m}"));
    m[start + 6..start + 10].to_string()
}

#[test]
fn scheduled_set_default_config_runs_only_after_the_delay() {
    let mut w = World::new();
    // Nobody but the timelock governs the limiter now.
    let (d, l) = (w.deployer.clone(), w.limiter.clone());
    let cfg =
        json!({"set_default_config": {"config": {"capacity": 9, "window": 60, "buckets": 6}}});
    let err = w.exec(&d, &l, cfg.clone()).unwrap_err();
    assert_eq!(vagus_code(&err), "1001");

    let call = json!({"execute": {"contract_addr": w.limiter, "msg": b64(&cfg), "funds": []}});
    w.at(5);
    let id = w.schedule(&call);
    assert_eq!(w.state(&id), 1, "Waiting");
    // Ready at T0 + 5 + 3600: one second before, refused (9003), limiter unchanged.
    w.at(5 + DELAY - 1);
    let err = w.execute(&call).unwrap_err();
    assert_eq!(vagus_code(&err), "9003");
    assert_eq!(w.capacity(), 3);
    w.at(5 + DELAY);
    assert_eq!(w.state(&id), 2, "Ready at exactly the ready time");
    let out = w.execute(&call).unwrap();
    assert_eq!(w.capacity(), 9);
    assert_eq!(w.state(&id), 3, "Done");
    // The limiter's own event came from the timelock's sub-message.
    assert!(out.events.iter().any(|e| e.ty == "wasm-default_config_set"));
    // Executed once only.
    assert_eq!(vagus_code(&w.execute(&call).unwrap_err()), "9003");
}

#[test]
fn a_failing_call_fails_the_execute_atomically_with_the_callees_code() {
    let mut w = World::new();
    let bad =
        json!({"set_default_config": {"config": {"capacity": 0, "window": 60, "buckets": 6}}});
    let call = json!({"execute": {"contract_addr": w.limiter, "msg": b64(&bad), "funds": []}});
    let id = w.schedule(&call);
    w.at(DELAY);
    let err = w.execute(&call).unwrap_err();
    assert_eq!(
        vagus_code(&err),
        "2002",
        "ZeroCapacity bubbles up from the limiter"
    );
    assert_eq!(
        w.state(&id),
        2,
        "still Ready: the Done mark was rolled back"
    );
}

#[test]
fn scheduled_migrate_runs_only_after_the_delay_and_only_through_the_timelock() {
    let mut w = World::new();
    // A second upload of the same bytes: the engine returns the same code id (wasmd
    // would assign a new one); migrating to it still runs the contract's migrate.
    let new_code = w.limiter_code;
    let d = w.deployer.clone();
    let l = w.limiter.clone();
    let err = w.engine.migrate(&d, &l, new_code, b"{}", None).unwrap_err();
    assert_eq!(
        err.error.kind,
        ErrorKind::Unauthorized,
        "the deployer is not the wasm admin: {}",
        err.error.message
    );

    let call = json!({"migrate": {"contract_addr": w.limiter, "new_code_id": new_code, "msg": b64(&json!({}))}});
    let id = w.schedule(&call);
    w.at(DELAY - 1);
    assert_eq!(vagus_code(&w.execute(&call).unwrap_err()), "9003");
    w.at(DELAY);
    let out = w.execute(&call).unwrap();
    assert_eq!(w.state(&id), 3);
    let migrated = out
        .events
        .iter()
        .find(|e| e.ty == "migrate")
        .expect("a migrate event from the sub-message");
    assert!(migrated
        .attributes
        .iter()
        .any(|a| a.key == "_contract_address" && a.value == w.limiter));
    // The limiter's state survived and is still governed by the timelock.
    assert_eq!(w.capacity(), 3);
}

#[test]
fn operation_id_query_matches_the_scheduled_id() {
    let mut w = World::new();
    let call = json!({"bank_send": {"to_address": w.deployer, "amount": []}});
    let t = w.timelock.clone();
    let q = w.query(
        &t,
        json!({"hash_operation": {"call": call, "predecessor": ZERO, "salt": ZERO}}),
    );
    let id = w.schedule(&call);
    assert_eq!(q["id"].as_str().unwrap(), id);
}
