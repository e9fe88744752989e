//! A timelock on cw-multi-test that is the admin of a RateLimiter, with named actors and a
//! settable clock.

use cosmwasm_std::{to_json_binary, Addr, Binary, Empty, HexBinary, Timestamp, Uint64};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use rate_limiter::msg::{Config, ExecuteMsg as RlExecute, InstantiateMsg as RlInstantiate};
use serde::de::DeserializeOwned;

use crate::contract::{execute, instantiate, migrate, query};
use crate::error::ContractError;
use crate::msg::{
    Call, ExecuteMsg, InstantiateMsg, OperationIdResponse, OperationStateResponse, QueryMsg,
};

/// `common.json` timeOrigin.
pub const T0: u64 = 1_998_432_000;
/// Minimum delay of the suite's timelock.
pub const MIN_DELAY: u64 = 100;

pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

pub fn rate_limiter() -> Box<dyn Contract<Empty>> {
    use rate_limiter::contract as rl;
    Box::new(
        ContractWrapper::new(rl::execute, rl::instantiate, rl::query).with_migrate(rl::migrate),
    )
}

pub fn b32(n: u8) -> HexBinary {
    let mut b = [0u8; 32];
    b[31] = n;
    HexBinary::from(b)
}

pub fn zero() -> HexBinary {
    HexBinary::from([0u8; 32])
}

pub fn cfg(capacity: u32) -> Config {
    Config {
        capacity,
        window: 60,
        buckets: 6,
    }
}

/// Spec states (OpenZeppelin's enum numbers).
pub const UNSET: u8 = 0;
pub const WAITING: u8 = 1;
pub const READY: u8 = 2;
pub const DONE: u8 = 3;

pub struct Suite {
    pub app: App,
    pub timelock: Addr,
    pub limiter: Addr,
    pub deployer: Addr,
    pub proposer: Addr,
    pub executor: Addr,
    pub stranger: Addr,
}

impl Suite {
    /// A timelock (min delay 100 s, `proposer`, `executor`, no extra admin) that holds
    /// `admin` on a RateLimiter and is its wasm admin.
    pub fn new() -> Self {
        Self::with_executors(None)
    }

    /// `executors`: `None` means just `executor`; `Some(list)` is passed as is.
    pub fn with_executors(executors: Option<Vec<String>>) -> Self {
        let mut app = App::default();
        app.update_block(|b| b.time = Timestamp::from_seconds(T0));
        let deployer = app.api().addr_make("deployer");
        let proposer = app.api().addr_make("proposer");
        let executor = app.api().addr_make("executor");
        let stranger = app.api().addr_make("stranger");
        let tl_code = app.store_code(contract());
        let timelock = app
            .instantiate_contract(
                tl_code,
                deployer.clone(),
                &InstantiateMsg {
                    min_delay: Uint64::new(MIN_DELAY),
                    proposers: vec![proposer.to_string()],
                    executors: executors.unwrap_or_else(|| vec![executor.to_string()]),
                    admin: None,
                },
                &[],
                "vagus-timelock",
                None,
            )
            .unwrap();
        let rl_code = app.store_code(rate_limiter());
        let limiter = app
            .instantiate_contract(
                rl_code,
                deployer.clone(),
                &RlInstantiate {
                    admin: timelock.to_string(),
                    default_config: cfg(3),
                },
                &[],
                "vagus-rate-limiter",
                Some(timelock.to_string()),
            )
            .unwrap();
        Suite {
            app,
            timelock,
            limiter,
            deployer,
            proposer,
            executor,
            stranger,
        }
    }

    pub fn at(&mut self, offset: u64) {
        self.app.update_block(|b| {
            b.time = Timestamp::from_seconds(T0 + offset);
            b.height += 1;
        });
    }

    pub fn exec(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<AppResponse, ContractError> {
        self.app
            .execute_contract(sender.clone(), self.timelock.clone(), msg, &[])
            .map_err(|e| {
                e.downcast::<ContractError>()
                    .unwrap_or_else(|e| panic!("not a timelock error: {e:?}"))
            })
    }

    /// An execute whose error may come from a callee: the root cause's text.
    pub fn exec_text(&mut self, sender: &Addr, msg: &ExecuteMsg) -> Result<AppResponse, String> {
        self.app
            .execute_contract(sender.clone(), self.timelock.clone(), msg, &[])
            .map_err(|e| e.root_cause().to_string())
    }

    pub fn query<T: DeserializeOwned>(&self, msg: &QueryMsg) -> T {
        self.app
            .wrap()
            .query_wasm_smart(self.timelock.clone(), msg)
            .unwrap()
    }

    pub fn state(&self, id: &HexBinary) -> u8 {
        let r: OperationStateResponse = self.query(&QueryMsg::GetOperationState { id: id.clone() });
        r.state
    }

    pub fn id(&self, call: &Call, predecessor: &HexBinary, salt: &HexBinary) -> HexBinary {
        let r: OperationIdResponse = self.query(&QueryMsg::HashOperation {
            call: call.clone(),
            predecessor: predecessor.clone(),
            salt: salt.clone(),
        });
        r.id
    }

    /// A call setting the limiter's default config to capacity `capacity`.
    pub fn set_capacity(&self, capacity: u32) -> Call {
        Call::Execute {
            contract_addr: self.limiter.to_string(),
            msg: to_json_binary(&RlExecute::SetDefaultConfig {
                config: cfg(capacity),
            })
            .unwrap(),
            funds: vec![],
        }
    }

    /// A call to the timelock itself.
    pub fn to_self(&self, msg: &ExecuteMsg) -> Call {
        Call::Execute {
            contract_addr: self.timelock.to_string(),
            msg: to_json_binary(msg).unwrap(),
            funds: vec![],
        }
    }

    pub fn capacity(&self) -> u32 {
        let c: Config = self
            .app
            .wrap()
            .query_wasm_smart(
                self.limiter.clone(),
                &rate_limiter::msg::QueryMsg::DefaultConfig {},
            )
            .unwrap();
        c.capacity
    }

    pub fn schedule(
        &mut self,
        call: &Call,
        predecessor: &HexBinary,
        salt: &HexBinary,
        delay: u64,
    ) -> Result<AppResponse, ContractError> {
        let proposer = self.proposer.clone();
        self.exec(
            &proposer,
            &ExecuteMsg::Schedule {
                call: call.clone(),
                predecessor: predecessor.clone(),
                salt: salt.clone(),
                delay: Uint64::new(delay),
            },
        )
    }

    pub fn run(
        &mut self,
        call: &Call,
        predecessor: &HexBinary,
        salt: &HexBinary,
    ) -> Result<AppResponse, ContractError> {
        let executor = self.executor.clone();
        self.exec(
            &executor,
            &ExecuteMsg::Execute {
                call: call.clone(),
                predecessor: predecessor.clone(),
                salt: salt.clone(),
            },
        )
    }
}

/// The `wasm-<ty>` events of a response, as `(key, value)` lists without `_contract_address`.
pub fn events(res: &AppResponse, ty: &str) -> Vec<Vec<(String, String)>> {
    res.events
        .iter()
        .filter(|e| e.ty == format!("wasm-{ty}"))
        .map(|e| {
            e.attributes
                .iter()
                .filter(|a| a.key != "_contract_address")
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect()
        })
        .collect()
}

pub fn msg_bytes<T: serde::Serialize>(msg: &T) -> Binary {
    to_json_binary(msg).unwrap()
}
