//! Test helpers shared by the contracts' own tests (feature `testing`, dev-dependencies
//! only): the cw2 migrate guard of spec/frame.md, checked the same way for every contract.

use cosmwasm_std::{
    Binary, Deps, DepsMut, Empty, Env, MessageInfo, Response, StdResult, Timestamp,
};
use cw_multi_test::{App, Contract, ContractWrapper, Executor};
use serde::{Deserialize, Serialize};
use std::fmt::Display;

/// Instantiate message of [`foreign_contract`]: the cw2 name it records.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct ForeignInit {
    pub cw2_name: String,
}

fn foreign_instantiate(
    deps: DepsMut,
    _env: Env,
    _info: MessageInfo,
    msg: ForeignInit,
) -> StdResult<Response> {
    cw2::set_contract_version(deps.storage, msg.cw2_name, "0.1.0")?;
    Ok(Response::new())
}

fn foreign_execute(_: DepsMut, _: Env, _: MessageInfo, _: Empty) -> StdResult<Response> {
    Ok(Response::new())
}

fn foreign_query(_: Deps, _: Env, _: Empty) -> StdResult<Binary> {
    Ok(Binary::default())
}

/// A contract that only records a cw2 name: the state another contract would leave.
pub fn foreign_contract() -> Box<dyn Contract<Empty>> {
    Box::new(ContractWrapper::new(
        foreign_execute,
        foreign_instantiate,
        foreign_query,
    ))
}

/// Migrating another contract's state (cw2 name `foreign_name`) to `ours` is refused with
/// `MigrateWrongContract` (1201), through a real chain-level migrate in cw-multi-test.
pub fn assert_foreign_state_refused<M: Serialize>(
    ours: Box<dyn Contract<Empty>>,
    migrate_msg: &M,
    foreign_name: &str,
    at_seconds: u64,
) {
    let mut app = App::default();
    app.update_block(|b| b.time = Timestamp::from_seconds(at_seconds));
    let owner = app.api().addr_make("owner");
    let foreign_code = app.store_code(foreign_contract());
    let init = ForeignInit {
        cw2_name: foreign_name.to_string(),
    };
    let addr = app
        .instantiate_contract(
            foreign_code,
            owner.clone(),
            &init,
            &[],
            "foreign",
            Some(owner.to_string()),
        )
        .unwrap();
    let ours = app.store_code(ours);
    let err = app
        .migrate_contract(owner, addr, migrate_msg, ours)
        .unwrap_err();
    let root = err.root_cause().to_string();
    assert!(
        root.starts_with("vagus:1201 MigrateWrongContract"),
        "{root}"
    );
}

/// The guard on a contract's `migrate` entry point (spec/frame.md "Upgrades"): a newer
/// stored version is refused (`MigrateDowngrade`, 1202, state untouched), an older one is
/// upgraded to `version`, and another contract's name is refused (`MigrateWrongContract`).
pub fn assert_migrate_guard<E: Display>(
    migrate: impl Fn(DepsMut) -> Result<Response, E>,
    name: &str,
    version: &str,
) {
    let mut deps = cosmwasm_std::testing::mock_dependencies();
    cw2::set_contract_version(deps.as_mut().storage, name, "99.0.0").unwrap();
    let err = migrate(deps.as_mut()).expect_err("a downgrade must be refused");
    assert!(
        err.to_string().starts_with("vagus:1202 MigrateDowngrade"),
        "{err}"
    );
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        "99.0.0"
    );

    cw2::set_contract_version(deps.as_mut().storage, name, "0.0.9").unwrap();
    migrate(deps.as_mut()).unwrap_or_else(|e| panic!("an upgrade must pass: {e}"));
    assert_eq!(
        cw2::get_contract_version(&deps.storage).unwrap().version,
        version
    );

    cw2::set_contract_version(deps.as_mut().storage, "crates.io:cw20-base", version).unwrap();
    let err = migrate(deps.as_mut()).expect_err("another contract must be refused");
    assert!(
        err.to_string()
            .starts_with("vagus:1201 MigrateWrongContract"),
        "{err}"
    );
}

/// `common.json` timeOrigin.
pub const T0: u64 = 1_998_432_000;

/// One contract on cw-multi-test, instantiated by `admin` at [`T0`], with the checks every
/// contract's unit tests need: coded errors that change nothing, events, a settable clock.
pub struct Harness {
    pub app: App,
    pub addr: cosmwasm_std::Addr,
    pub admin: cosmwasm_std::Addr,
}

impl Harness {
    /// Stores and instantiates `contract` with the message `init(admin)`.
    pub fn new<I: Serialize>(
        contract: Box<dyn Contract<Empty>>,
        init: impl FnOnce(&cosmwasm_std::Addr) -> I,
    ) -> Self {
        let mut app = App::default();
        app.update_block(|b| b.time = Timestamp::from_seconds(T0));
        let admin = app.api().addr_make("admin");
        let code = app.store_code(contract);
        let addr = app
            .instantiate_contract(
                code,
                admin.clone(),
                &init(&admin),
                &[],
                "unit",
                Some(admin.to_string()),
            )
            .unwrap();
        Harness { app, addr, admin }
    }

    /// An account address by name.
    pub fn account(&self, name: &str) -> cosmwasm_std::Addr {
        self.app.api().addr_make(name)
    }

    /// The block clock at `T0 + offset`.
    pub fn at(&mut self, offset: u64) {
        self.app.update_block(|b| {
            b.time = Timestamp::from_seconds(T0 + offset);
            b.height += 1;
        });
    }

    pub fn exec<M: Serialize + std::fmt::Debug>(
        &mut self,
        sender: &cosmwasm_std::Addr,
        msg: &M,
    ) -> anyhow::Result<cw_multi_test::AppResponse> {
        self.app
            .execute_contract(sender.clone(), self.addr.clone(), msg, &[])
    }

    /// `admin` grants `role` to the account `name`; returns its address.
    pub fn grant(&mut self, role: &str, name: &str) -> cosmwasm_std::Addr {
        let who = self.account(name);
        let admin = self.admin.clone();
        self.exec(
            &admin,
            &serde_json::json!({"grant_role": {"role": role, "account": who.to_string()}}),
        )
        .unwrap();
        who
    }

    pub fn query<T: serde::de::DeserializeOwned, M: Serialize>(&self, msg: &M) -> T {
        self.app.wrap().query_wasm_smart(&self.addr, msg).unwrap()
    }

    /// The spec code of a failing smart query.
    pub fn query_code<M: Serialize>(&self, msg: &M) -> Option<u16> {
        let err = self
            .app
            .wrap()
            .query_wasm_smart::<serde_json::Value>(&self.addr, msg)
            .expect_err("the query should fail");
        crate::error::parse_code(&err.to_string()).map(|(c, _)| c)
    }

    /// Runs `msg` as `sender`, expects the coded error `code`, and checks that the
    /// contract's storage is exactly as before.
    pub fn expect_code<M: Serialize + std::fmt::Debug>(
        &mut self,
        sender: &cosmwasm_std::Addr,
        msg: &M,
        code: u16,
    ) {
        let before = self.app.dump_wasm_raw(&self.addr);
        let err = self
            .exec(sender, msg)
            .expect_err(&format!("{msg:?} should fail with {code}"));
        let got = err
            .chain()
            .find_map(|e| crate::error::parse_code(&e.to_string()))
            .map(|(c, _)| c);
        assert_eq!(got, Some(code), "{msg:?}: {err:#}");
        assert_eq!(
            self.app.dump_wasm_raw(&self.addr),
            before,
            "{msg:?}: a reverted call changed state"
        );
    }
}

/// The contract events of a response: `(type without "wasm-", [(key, value)])`, without
/// the chain's `_contract_address`.
pub fn wasm_events(res: &cw_multi_test::AppResponse) -> Vec<(String, Vec<(String, String)>)> {
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

/// Builds the expected form of one event.
pub fn ev(ty: &str, attrs: &[(&str, &str)]) -> (String, Vec<(String, String)>) {
    (
        ty.to_string(),
        attrs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}
