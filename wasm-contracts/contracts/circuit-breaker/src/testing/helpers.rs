//! A deployed CircuitBreaker on cw-multi-test with named actors and a settable clock.

use cosmwasm_std::{from_json, Addr, Empty, HexBinary, Record, Timestamp, Uint64};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use serde::de::DeserializeOwned;

use crate::contract::{execute, instantiate, migrate, query};
use crate::error::ContractError;
use crate::msg::{
    BreakerCounters, BreakerStatus, Config, ExecuteMsg, InstantiateMsg, QueryMsg, RequestResponse,
};

/// `common.json` timeOrigin.
pub const T0: u64 = 1_998_432_000;

pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

/// F = 3, C = 60, P = 2, S = 2.
pub fn default_config() -> Config {
    cfg(3, 60, 2, 2)
}

pub fn cfg(f: u32, c: u32, p: u32, s: u32) -> Config {
    Config {
        failure_threshold: f,
        cooldown: c,
        half_open_max_probes: p,
        success_threshold: s,
    }
}

/// actionId `0x…0n`.
pub fn action(n: u8) -> HexBinary {
    let mut bytes = [0u8; 32];
    bytes[31] = n;
    HexBinary::from(bytes)
}

/// Builds a pair operation's message from its ids.
pub type PairMsg = fn(Uint64, HexBinary) -> ExecuteMsg;

/// The pair most tests use: executor 1, action 1.
pub fn pair_msg(make: PairMsg) -> ExecuteMsg {
    make(Uint64::new(1), action(1))
}

pub fn request_msg(executor_id: Uint64, action_id: HexBinary) -> ExecuteMsg {
    ExecuteMsg::Request {
        executor_id,
        action_id,
    }
}
pub fn trip_msg(executor_id: Uint64, action_id: HexBinary) -> ExecuteMsg {
    ExecuteMsg::Trip {
        executor_id,
        action_id,
    }
}
pub fn reset_msg(executor_id: Uint64, action_id: HexBinary) -> ExecuteMsg {
    ExecuteMsg::Reset {
        executor_id,
        action_id,
    }
}
pub fn half_open_msg(executor_id: Uint64, action_id: HexBinary) -> ExecuteMsg {
    ExecuteMsg::ForceHalfOpen {
        executor_id,
        action_id,
    }
}
pub fn success_msg(executor_id: Uint64, action_id: HexBinary) -> ExecuteMsg {
    ExecuteMsg::RecordOutcome {
        executor_id,
        action_id,
        success: true,
    }
}
pub fn failure_msg(executor_id: Uint64, action_id: HexBinary) -> ExecuteMsg {
    ExecuteMsg::RecordOutcome {
        executor_id,
        action_id,
        success: false,
    }
}

pub struct Suite {
    pub app: App,
    pub addr: Addr,
    pub admin: Addr,
    pub guardian: Addr,
    pub consumer: Addr,
    pub reporter: Addr,
    pub stranger: Addr,
}

impl Suite {
    pub fn new() -> Self {
        Self::with_config(default_config())
    }

    pub fn with_config(config: Config) -> Self {
        let mut app = App::default();
        app.update_block(|b| b.time = Timestamp::from_seconds(T0));
        let code_id = app.store_code(contract());
        let make = |app: &App, n: &str| app.api().addr_make(n);
        let (admin, guardian, consumer, reporter, stranger) = (
            make(&app, "admin"),
            make(&app, "guardian"),
            make(&app, "consumer"),
            make(&app, "reporter"),
            make(&app, "stranger"),
        );
        let addr = app
            .instantiate_contract(
                code_id,
                admin.clone(),
                &InstantiateMsg {
                    admin: admin.to_string(),
                    config,
                },
                &[],
                "vagus-circuit-breaker",
                Some(admin.to_string()),
            )
            .unwrap();
        let mut s = Suite {
            app,
            addr,
            admin,
            guardian,
            consumer,
            reporter,
            stranger,
        };
        for (role, who) in [
            ("guardian", s.guardian.clone()),
            ("consumer", s.consumer.clone()),
            ("reporter", s.reporter.clone()),
        ] {
            let admin = s.admin.clone();
            s.exec(
                &admin,
                &ExecuteMsg::GrantRole {
                    role: role.into(),
                    account: who.to_string(),
                },
            )
            .unwrap();
        }
        s
    }

    /// Moves the block clock to `T0 + offset`.
    pub fn at(&mut self, offset: u64) {
        self.app.update_block(|b| {
            b.time = Timestamp::from_seconds(T0 + offset);
            b.height += 1;
        });
    }

    pub fn exec(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<AppResponse, ContractError> {
        self.app
            .execute_contract(sender.clone(), self.addr.clone(), msg, &[])
            .map_err(|e| {
                e.downcast::<ContractError>()
                    .unwrap_or_else(|e| panic!("not a contract error: {e:?}"))
            })
    }

    pub fn query<T: DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app.wrap().query_wasm_smart(&self.addr, msg).unwrap()
    }

    /// `request(1, action 1)` by the consumer.
    pub fn request(&mut self) -> (RequestResponse, AppResponse) {
        let consumer = self.consumer.clone();
        let res = self.exec(&consumer, &pair_msg(request_msg)).unwrap();
        (from_json(res.data.clone().unwrap()).unwrap(), res)
    }

    pub fn report(&mut self, success: bool) -> AppResponse {
        let reporter = self.reporter.clone();
        let msg = if success {
            pair_msg(success_msg)
        } else {
            pair_msg(failure_msg)
        };
        self.exec(&reporter, &msg).unwrap()
    }

    pub fn guardian(
        &mut self,
        make: fn(Uint64, HexBinary) -> ExecuteMsg,
    ) -> Result<AppResponse, ContractError> {
        let guardian = self.guardian.clone();
        self.exec(&guardian, &pair_msg(make))
    }

    pub fn status(&self) -> BreakerStatus {
        self.query(&QueryMsg::Status {
            executor_id: Uint64::new(1),
            action_id: action(1),
        })
    }

    pub fn counters(&self) -> BreakerCounters {
        self.query(&QueryMsg::Counters {
            executor_id: Uint64::new(1),
            action_id: action(1),
        })
    }

    pub fn snapshot(&self) -> Vec<Record> {
        self.app.dump_wasm_raw(&self.addr)
    }

    /// Runs `msg` as `sender`, expects the coded error `code`, and checks that storage,
    /// status and counters are exactly as before.
    pub fn expect_revert(&mut self, sender: &Addr, msg: &ExecuteMsg, code: u16) -> ContractError {
        let before = (self.snapshot(), self.status(), self.counters());
        let err = self.exec(sender, msg).expect_err("call should revert");
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().starts_with(&format!("vagus:{code} ")));
        let after = (self.snapshot(), self.status(), self.counters());
        assert_eq!(before, after, "a reverted call changed state");
        err
    }
}

/// The `breaker_transition` events of a response as `(from, to, reason)`.
pub fn transitions(res: &AppResponse) -> Vec<(u8, u8, u8)> {
    res.events
        .iter()
        .filter(|e| e.ty == "wasm-breaker_transition")
        .map(|e| {
            let get = |k: &str| -> u8 {
                e.attributes
                    .iter()
                    .find(|a| a.key == k)
                    .map(|a| a.value.parse().unwrap())
                    .unwrap()
            };
            (get("from"), get("to"), get("reason"))
        })
        .collect()
}

/// The types of the response's wasm events, in order.
pub fn event_types(res: &AppResponse) -> Vec<String> {
    res.events
        .iter()
        .filter_map(|e| e.ty.strip_prefix("wasm-").map(str::to_string))
        .collect()
}
