//! The safety core deployed as a system on any CosmWasm backend (cw-multi-test or the
//! embedded engine running the compiled .wasm): the seven contracts, each instantiated by
//! `admin`, with the standard wiring of spec/safety-core.md §0, named actors holding the
//! operational roles, and helpers that speak the contracts' JSON messages.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use serde_json::{json, Value};

use crate::components::{self, Component};
use crate::runner::{CallOutcome, ChainBackend};

/// `common.json` timeOrigin.
pub const T0: u64 = 1_998_432_000;
/// The executor every scenario uses, and the account that owns its tokens.
pub const EXECUTOR: u64 = 1;

/// Component names in deployment order.
pub const COMPONENTS: [&str; 7] = [
    "RateLimiter",
    "CircuitBreaker",
    "ANSStateManager",
    "AfferentInbox",
    "VagalBrake",
    "CapabilityIssuer",
    "ReflexArc",
];

/// actionId `0x…0n`.
pub fn action(n: u8) -> String {
    let mut bytes = [0u8; 32];
    bytes[31] = n;
    hex(&bytes)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The state root the attestor posts first.
pub fn root(n: u8) -> String {
    hex(&[n; 32])
}

/// The default `initialize` arguments (spec params defaults), as CosmWasm JSON.
pub fn default_init(component: &str) -> Value {
    match component {
        "RateLimiter" => json!({"default_config": {"capacity": 60, "window": 60, "buckets": 6}}),
        "CircuitBreaker" => json!({"config": {"failure_threshold": 5, "cooldown": 60,
            "half_open_max_probes": 3, "success_threshold": 2}}),
        "ANSStateManager" => json!({"config": {"danger_enter_ppm": 600000,
            "shutdown_enter_ppm": 900000, "safe_return_ppm": 400000, "danger_readings": 2,
            "shutdown_readings": 2, "safe_readings": 3, "min_dwell": 60}}),
        "CapabilityIssuer" => json!({"config": {"max_ttl": 3600, "max_nonce_step": 1_000_000}}),
        "ReflexArc" => json!({"config": {"cooldown": 300, "risk_ppm": 800000,
            "force_milli_n": "500000", "velocity_milli_mps": "2000",
            "temperature_milli_c": "80000"}}),
        _ => json!({}),
    }
}

/// A contract's whole storage, in key order.
pub type Storage = Vec<(Vec<u8>, Vec<u8>)>;

/// The deployed, wired system.
pub struct System<B: ChainBackend> {
    pub chain: B,
    /// Component name → contract address.
    pub addrs: BTreeMap<&'static str, String>,
    /// Actor name → account address.
    pub actors: BTreeMap<String, String>,
    pub now: u64,
    pub height: u64,
}

fn component(name: &str) -> Component {
    components::by_name(name).unwrap_or_else(|| panic!("no component {name}"))
}

impl<B: ChainBackend> System<B> {
    /// Deploys every component with its default init, applies the standard wiring, grants
    /// the operational roles, registers executor 1 (account `robot`), gives action 1 the
    /// schema `{tool ≤ 10 (fixed), force ≤ 800, speed ≤ 500}` and posts root(1) as the
    /// executor's evidence. `init` overrides a component's init arguments.
    pub fn deploy(mut chain: B, init: &[(&str, Value)]) -> Result<Self> {
        chain.set_block(T0, 1);
        let admin = chain.addr_make("admin");
        let mut s = System {
            chain,
            addrs: BTreeMap::new(),
            actors: BTreeMap::new(),
            now: T0,
            height: 1,
        };
        s.actors.insert("admin".into(), admin.clone());
        for name in COMPONENTS {
            let c = component(name);
            let code = s.chain.store(&c)?;
            let mut msg = init
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| default_init(name));
            msg["admin"] = json!(admin);
            let (addr, _) = s
                .chain
                .instantiate(code, &admin, Some(&admin), &msg, name)?;
            s.addrs.insert(name, addr);
        }
        s.wire()?;
        for (actor, grants) in [
            ("planner", vec![("CapabilityIssuer", "planner")]),
            ("oracle", vec![("ANSStateManager", "oracle")]),
            ("attestor", vec![("AfferentInbox", "attestor")]),
            ("revoker", vec![("CapabilityIssuer", "revoker")]),
            ("reporter", vec![("CapabilityIssuer", "reporter")]),
            (
                "guardian",
                COMPONENTS.iter().map(|c| (*c, "guardian")).collect(),
            ),
        ] {
            let who = s.actor(actor);
            for (on, role) in grants {
                s.grant(on, role, &who)?;
            }
        }
        let robot = s.actor("robot");
        s.exec_ok(
            "admin",
            "CapabilityIssuer",
            json!({"register_executor": {"executor_id": EXECUTOR.to_string(), "account": robot}}),
        )?;
        s.exec_ok(
            "admin",
            "VagalBrake",
            json!({"set_action_schema": {"action_id": action(1), "params": [
                {"name": "tool", "brakeable": false, "cap": "10"},
                {"name": "force", "brakeable": true, "cap": "800"},
                {"name": "speed", "brakeable": true, "cap": "500"},
            ]}}),
        )?;
        s.post_evidence(1, &root(1), json!({}))?;
        Ok(s)
    }

    /// The standard wiring of spec/safety-core.md §0.
    fn wire(&mut self) -> Result<()> {
        let a = |n: &str| self.addrs[n].clone();
        let (ans, inbox, brake, breaker, limiter, issuer, reflex) = (
            a("ANSStateManager"),
            a("AfferentInbox"),
            a("VagalBrake"),
            a("CircuitBreaker"),
            a("RateLimiter"),
            a("CapabilityIssuer"),
            a("ReflexArc"),
        );
        self.exec_ok(
            "admin",
            "CapabilityIssuer",
            json!({"set_links": {"links": {"ans": ans, "inbox": inbox, "brake": brake,
                "breaker": breaker, "rate_limiter": limiter}}}),
        )?;
        for on in ["ANSStateManager", "AfferentInbox"] {
            self.exec_ok(
                "admin",
                on,
                json!({"set_reflex_arc": {"reflex_arc": reflex}}),
            )?;
        }
        self.exec_ok(
            "admin",
            "ReflexArc",
            json!({"set_issuer": {"issuer": issuer}}),
        )?;
        self.grant("RateLimiter", "consumer", &issuer)?;
        self.grant("CircuitBreaker", "consumer", &issuer)?;
        self.grant("CircuitBreaker", "reporter", &issuer)?;
        self.grant("CapabilityIssuer", "revoker", &reflex)?;
        self.grant("ReflexArc", "notifier", &ans)?;
        self.grant("ReflexArc", "notifier", &inbox)?;
        Ok(())
    }

    /// The address of an actor, made on first use.
    pub fn actor(&mut self, name: &str) -> String {
        if let Some(a) = self.actors.get(name) {
            return a.clone();
        }
        let a = self.chain.addr_make(name);
        self.actors.insert(name.to_string(), a.clone());
        a
    }

    pub fn addr(&self, component: &str) -> String {
        self.addrs[component].clone()
    }

    pub fn grant(&mut self, on: &str, role: &str, account: &str) -> Result<()> {
        self.exec_ok(
            "admin",
            on,
            json!({"grant_role": {"role": role, "account": account}}),
        )
        .map(|_| ())
    }

    pub fn revoke_role(&mut self, on: &str, role: &str, account: &str) -> Result<()> {
        self.exec_ok(
            "admin",
            on,
            json!({"revoke_role": {"role": role, "account": account}}),
        )
        .map(|_| ())
    }

    /// Moves the clock to `T0 + offset` (and the height by one).
    pub fn at(&mut self, offset: u64) {
        self.now = T0 + offset;
        self.height += 1;
        self.chain.set_block(self.now, self.height);
    }

    /// Moves the clock forward by `seconds`.
    pub fn advance(&mut self, seconds: u64) {
        let offset = self.now - T0 + seconds;
        self.at(offset);
    }

    /// An execute by an actor (or any address) on a component.
    pub fn exec(&mut self, actor: &str, on: &str, msg: Value) -> Result<CallOutcome> {
        // A bech32 address is used as is; anything shorter is an actor's name.
        let sender = if actor.len() > 30 {
            actor.to_string()
        } else {
            self.actor(actor)
        };
        let contract = self.addr(on);
        self.chain.execute(&sender, &contract, &msg)
    }

    pub fn exec_ok(&mut self, actor: &str, on: &str, msg: Value) -> Result<CallOutcome> {
        let text = msg.to_string();
        self.exec(actor, on, msg)
            .map_err(|e| anyhow!("{actor} → {on} {text}: {e:#}"))
    }

    pub fn query(&mut self, on: &str, msg: Value) -> Result<Value> {
        let contract = self.addr(on);
        self.chain.query(&contract, &msg)
    }

    /// The whole storage of every component (to prove a reverted call changed nothing).
    pub fn storage(&mut self) -> Vec<(String, Storage)> {
        let addrs: Vec<_> = self.addrs.iter().map(|(n, a)| (*n, a.clone())).collect();
        addrs
            .into_iter()
            .map(|(n, a)| (n.to_string(), self.chain.storage(&a)))
            .collect()
    }

    /// Runs a call that must revert with `code`; checks that no contract's storage changed.
    pub fn expect_code(&mut self, actor: &str, on: &str, msg: Value, code: u16) -> Result<()> {
        let before = self.storage();
        let text = msg.to_string();
        match self.exec(actor, on, msg) {
            Ok(_) => Err(anyhow!(
                "{actor} → {on} {text}: succeeded, expected code {code}"
            )),
            Err(e) => {
                let got = error_code(&e);
                if got != Some(code) {
                    return Err(anyhow!(
                        "{actor} → {on} {text}: expected code {code}, got {got:?}: {e:#}"
                    ));
                }
                if self.storage() != before {
                    return Err(anyhow!(
                        "{actor} → {on} {text}: a reverted call changed state"
                    ));
                }
                Ok(())
            }
        }
    }

    /// A tone reading by the oracle; returns the state after it.
    pub fn tone(&mut self, tone_ppm: u32) -> Result<CallOutcome> {
        self.exec_ok(
            "oracle",
            "ANSStateManager",
            json!({"update_tone": {"executor_id": EXECUTOR.to_string(), "tone_ppm": tone_ppm}}),
        )
    }

    /// Evidence for executor 1 with `sequence`, `root` and metric overrides.
    pub fn post_evidence(&mut self, sequence: u64, root: &str, over: Value) -> Result<CallOutcome> {
        let mut metrics = json!({"sequence": sequence.to_string(), "risk_ppm": 1000,
            "force_milli_n": "10", "velocity_milli_mps": "10", "temperature_milli_c": "20000"});
        if let Some(o) = over.as_object() {
            for (k, v) in o {
                metrics[k] = v.clone();
            }
        }
        self.exec_ok(
            "attestor",
            "AfferentInbox",
            json!({"post_evidence": {"executor_id": EXECUTOR.to_string(), "state_root": root,
                "metrics": metrics}}),
        )
    }

    /// An intent for executor 1, action 1, valid now, with root(1) as pre-state root.
    pub fn intent(&self, nonce: u64, params: [u64; 3], ttl: u32) -> Value {
        json!({
            "executor_id": EXECUTOR.to_string(),
            "action_id": action(1),
            "nonce": nonce.to_string(),
            "not_before": self.now.to_string(),
            "not_after": (self.now + 600).to_string(),
            "ttl": ttl,
            "pre_state_root": root(1),
            "params": params.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        })
    }

    /// `issue` by the planner; returns the `IssueResult` and the outcome.
    pub fn issue_intent(&mut self, intent: Value) -> Result<(Value, CallOutcome)> {
        let out = self.exec_ok(
            "planner",
            "CapabilityIssuer",
            json!({"issue": {"intent": intent}}),
        )?;
        let data = out
            .data
            .as_ref()
            .ok_or_else(|| anyhow!("issue returned no data"))?;
        Ok((serde_json::from_slice(data)?, out))
    }

    pub fn issue(
        &mut self,
        nonce: u64,
        params: [u64; 3],
        ttl: u32,
    ) -> Result<(Value, CallOutcome)> {
        let intent = self.intent(nonce, params, ttl);
        self.issue_intent(intent)
    }

    pub fn is_valid(&mut self, token_id: u64) -> Result<bool> {
        let v = self.query(
            "CapabilityIssuer",
            json!({"is_valid": {"token_id": token_id.to_string()}}),
        )?;
        v["valid"]
            .as_bool()
            .ok_or_else(|| anyhow!("is_valid answered {v}"))
    }

    pub fn total_supply(&mut self) -> Result<u64> {
        let v = self.query("CapabilityIssuer", json!({"total_supply": {}}))?;
        Ok(v["total_supply"].as_str().unwrap_or("x").parse()?)
    }

    pub fn ans_state(&mut self) -> Result<u64> {
        let v = self.query(
            "ANSStateManager",
            json!({"executor_state": {"executor_id": EXECUTOR.to_string()}}),
        )?;
        v["state"]
            .as_u64()
            .ok_or_else(|| anyhow!("executor_state answered {v}"))
    }

    pub fn epoch(&mut self) -> Result<u64> {
        let v = self.query(
            "CapabilityIssuer",
            json!({"executor": {"executor_id": EXECUTOR.to_string()}}),
        )?;
        Ok(v["epoch"].as_str().unwrap_or("x").parse()?)
    }
}

/// The spec code of a failed call, from the contract error's text anywhere in the chain.
pub fn error_code(e: &anyhow::Error) -> Option<u16> {
    e.chain()
        .find_map(|c| vagus_common::error::parse_code(&c.to_string()))
        .or_else(|| vagus_common::error::parse_code(&format!("{e:#}")))
        .map(|(code, _)| code)
}

/// The contract events (`wasm-<type>`) of an outcome as `(type, attributes)`, without the
/// chain's `_contract_address`, together with the emitting contract's address.
pub fn events(out: &CallOutcome) -> Vec<(String, String, BTreeMap<String, String>)> {
    out.events
        .iter()
        .filter_map(|e| {
            let ty = e.ty.strip_prefix("wasm-")?;
            let mut from = String::new();
            let mut attrs = BTreeMap::new();
            for (k, v) in &e.attributes {
                if k == "_contract_address" {
                    from = v.clone();
                } else {
                    attrs.insert(k.clone(), v.clone());
                }
            }
            Some((from, ty.to_string(), attrs))
        })
        .collect()
}

/// The attributes of the one event of type `ty` in an outcome (panics if not exactly one).
pub fn event(out: &CallOutcome, ty: &str) -> BTreeMap<String, String> {
    let found: Vec<_> = events(out)
        .into_iter()
        .filter(|(_, t, _)| t == ty)
        .collect();
    assert_eq!(found.len(), 1, "expected one {ty} event, got {found:?}");
    found
        .into_iter()
        .next()
        .map(|(_, _, a)| a)
        .unwrap_or_default()
}

/// Whether an outcome has an event of type `ty`.
pub fn has_event(out: &CallOutcome, ty: &str) -> bool {
    events(out).iter().any(|(_, t, _)| t == ty)
}
