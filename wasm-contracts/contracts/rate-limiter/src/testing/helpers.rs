//! A deployed RateLimiter on cw-multi-test with named actors and a settable clock.

use cosmwasm_std::{from_json, Addr, Empty, HexBinary, Record, Timestamp, Uint64};
use cw_multi_test::{App, AppResponse, Contract, ContractWrapper, Executor};
use serde::de::DeserializeOwned;

use crate::contract::{execute, instantiate, migrate, query};
use crate::error::ContractError;
use crate::msg::{
    Config, ConsumeResponse, CountersResponse, ExecuteMsg, InstantiateMsg, QueryMsg, UsageResponse,
};

/// `common.json` timeOrigin: a multiple of 30 days, so bucket edges are round offsets.
pub const T0: u64 = 1_998_432_000;

pub fn contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
}

pub fn cfg(capacity: u32, window: u32, buckets: u8) -> Config {
    Config {
        capacity,
        window,
        buckets,
    }
}

/// actionId `0x…0n` (non-zero for n > 0).
pub fn action(n: u8) -> HexBinary {
    let mut bytes = [0u8; 32];
    bytes[31] = n;
    HexBinary::from(bytes)
}

pub struct Suite {
    pub app: App,
    pub addr: Addr,
    pub admin: Addr,
    pub guardian: Addr,
    pub consumer: Addr,
    pub stranger: Addr,
}

impl Suite {
    /// Default config N = 3, W = 60, K = 6; `guardian` and `consumer` hold their roles.
    pub fn new() -> Self {
        Self::with_config(cfg(3, 60, 6))
    }

    pub fn with_config(config: Config) -> Self {
        let mut app = App::default();
        app.update_block(|b| b.time = Timestamp::from_seconds(T0));
        let code_id = app.store_code(contract());
        let admin = app.api().addr_make("admin");
        let guardian = app.api().addr_make("guardian");
        let consumer = app.api().addr_make("consumer");
        let stranger = app.api().addr_make("stranger");
        let addr = app
            .instantiate_contract(
                code_id,
                admin.clone(),
                &InstantiateMsg {
                    admin: admin.to_string(),
                    default_config: config,
                },
                &[],
                "vagus-rate-limiter",
                Some(admin.to_string()),
            )
            .unwrap();
        let mut suite = Suite {
            app,
            addr,
            admin,
            guardian,
            consumer,
            stranger,
        };
        for (role, who) in [
            ("guardian", suite.guardian.clone()),
            ("consumer", suite.consumer.clone()),
        ] {
            suite
                .exec(
                    &suite.admin.clone(),
                    &ExecuteMsg::GrantRole {
                        role: role.into(),
                        account: who.to_string(),
                    },
                )
                .unwrap();
        }
        suite
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

    pub fn consume_as(
        &mut self,
        sender: &Addr,
        executor: u64,
        act: u8,
    ) -> Result<ConsumeResponse, ContractError> {
        let res = self.exec(
            sender,
            &ExecuteMsg::Consume {
                executor_id: Uint64::new(executor),
                action_id: action(act),
            },
        )?;
        Ok(from_json(res.data.expect("consume returns data")).unwrap())
    }

    /// `consume(1, action(1))` by the consumer; panics on a revert.
    pub fn consume(&mut self) -> ConsumeResponse {
        let consumer = self.consumer.clone();
        self.consume_as(&consumer, 1, 1).unwrap()
    }

    pub fn usage(&self, executor: u64, act: u8) -> UsageResponse {
        self.query(&QueryMsg::Usage {
            executor_id: Uint64::new(executor),
            action_id: action(act),
        })
    }

    pub fn counters(&self, executor: u64, act: u8) -> (u64, u64) {
        let c: CountersResponse = self.query(&QueryMsg::Counters {
            executor_id: Uint64::new(executor),
            action_id: action(act),
        });
        (c.requests.u64(), c.rejections.u64())
    }

    /// The contract's whole storage, to prove a reverted call changed nothing.
    pub fn snapshot(&self) -> Vec<Record> {
        self.app.dump_wasm_raw(&self.addr)
    }

    /// Runs `msg` as `sender`, expects the coded error `code`, and checks that storage and
    /// the pair's queried state are exactly as before.
    pub fn expect_revert(&mut self, sender: &Addr, msg: &ExecuteMsg, code: u16) -> ContractError {
        let before = (self.snapshot(), self.usage(1, 1), self.counters(1, 1));
        let err = self.exec(sender, msg).expect_err("call should revert");
        assert_eq!(err.code(), code, "{err}");
        assert!(err.to_string().starts_with(&format!("vagus:{code} ")));
        let after = (self.snapshot(), self.usage(1, 1), self.counters(1, 1));
        assert_eq!(before, after, "a reverted call changed state");
        err
    }
}

/// A typed wasm event of the response (`wasm-<ty>`), attributes without `_contract_address`.
pub fn events(res: &AppResponse) -> Vec<(String, Vec<(String, String)>)> {
    res.events
        .iter()
        .filter_map(|e| {
            let ty = e.ty.strip_prefix("wasm-")?;
            let attrs = e
                .attributes
                .iter()
                .filter(|a| a.key != "_contract_address")
                .map(|a| (a.key.clone(), a.value.clone()))
                .collect();
            Some((ty.to_string(), attrs))
        })
        .collect()
}
