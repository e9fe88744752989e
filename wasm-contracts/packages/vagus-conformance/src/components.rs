//! The CosmWasm contracts under test, one entry per spec component.

use std::collections::BTreeMap;

use cosmwasm_schema::schemars::schema::RootSchema;
use cosmwasm_schema::{schema_for, QueryResponses};
use cosmwasm_std::Empty;
use cw_multi_test::{Contract, ContractWrapper};
use vagus_common::{CodedError, ErrorSignature};

/// A component's contract and its surface.
pub struct Component {
    /// Spec component name (`RateLimiter`).
    pub name: &'static str,
    /// Its spec file (`rate-limiter.json`).
    pub spec_file: &'static str,
    /// cw2 name prefix + crate name the contract records.
    pub cw2_name: &'static str,
    pub contract: fn() -> Box<dyn Contract<Empty>>,
    /// The compiled artifact `scripts/build-wasm.sh` writes (`artifacts/wasm/<file>`).
    pub wasm_artifact: &'static str,
    /// Every error variant `(name, code, fields)`, frame errors included.
    pub catalog: fn() -> Vec<ErrorSignature>,
    pub denials: &'static [(&'static str, u16)],
    /// Extracts `(code, name)` from an execute error by downcasting to the contract error.
    pub downcast: fn(&anyhow::Error) -> Option<(u16, String)>,
    pub instantiate_schema: fn() -> RootSchema,
    pub execute_schema: fn() -> RootSchema,
    pub query_schema: fn() -> RootSchema,
    pub query_responses: fn() -> BTreeMap<String, RootSchema>,
    /// Schemas of the response `data` of execute operations that return a value.
    pub execute_responses: fn() -> BTreeMap<String, RootSchema>,
}

fn downcast<E: CodedError + std::error::Error + Send + Sync + 'static>(
    err: &anyhow::Error,
) -> Option<(u16, String)> {
    err.chain()
        .find_map(|e| e.downcast_ref::<E>())
        .map(|e| (e.code(), e.name().to_string()))
}

pub fn rate_limiter() -> Component {
    use rate_limiter::contract::{execute, instantiate, migrate, query, CONTRACT_NAME};
    use rate_limiter::msg::{ConsumeResponse, ExecuteMsg, InstantiateMsg, QueryMsg};
    use rate_limiter::ContractError;
    Component {
        name: "RateLimiter",
        spec_file: "rate-limiter.json",
        cw2_name: CONTRACT_NAME,
        contract: || {
            Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
        },
        wasm_artifact: "rate_limiter.wasm",
        catalog: <ContractError as CodedError>::catalog,
        denials: rate_limiter::error::DENIALS,
        downcast: downcast::<ContractError>,
        instantiate_schema: || schema_for!(InstantiateMsg),
        execute_schema: || schema_for!(ExecuteMsg),
        query_schema: || schema_for!(QueryMsg),
        query_responses: || QueryMsg::response_schemas().expect("query response schemas"),
        execute_responses: || {
            BTreeMap::from([("consume".to_string(), schema_for!(ConsumeResponse))])
        },
    }
}

pub fn circuit_breaker() -> Component {
    use circuit_breaker::contract::{execute, instantiate, migrate, query, CONTRACT_NAME};
    use circuit_breaker::msg::{
        ExecuteMsg, InstantiateMsg, QueryMsg, ReleaseResponse, RequestResponse,
    };
    use circuit_breaker::ContractError;
    Component {
        name: "CircuitBreaker",
        spec_file: "circuit-breaker.json",
        cw2_name: CONTRACT_NAME,
        contract: || {
            Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
        },
        wasm_artifact: "circuit_breaker.wasm",
        catalog: <ContractError as CodedError>::catalog,
        denials: circuit_breaker::error::DENIALS,
        downcast: downcast::<ContractError>,
        instantiate_schema: || schema_for!(InstantiateMsg),
        execute_schema: || schema_for!(ExecuteMsg),
        query_schema: || schema_for!(QueryMsg),
        query_responses: || QueryMsg::response_schemas().expect("query response schemas"),
        execute_responses: || {
            BTreeMap::from([
                ("request".to_string(), schema_for!(RequestResponse)),
                ("release".to_string(), schema_for!(ReleaseResponse)),
            ])
        },
    }
}

/// A safety-core component: the same shape as the two above, with a `reply` entry point
/// (the contracts that call out and continue in a reply) and a coded query error type.
macro_rules! safety_component {
    ($fn:ident, $krate:ident, $name:literal, $file:literal, $wasm:literal, reply, { $($op:literal => $resp:ty),* }) => {
        pub fn $fn() -> Component {
            use $krate::contract::{execute, instantiate, migrate, query, reply, CONTRACT_NAME};
            use $krate::msg::{ExecuteMsg, InstantiateMsg, QueryMsg};
            use $krate::ContractError;
            Component {
                name: $name,
                spec_file: $file,
                cw2_name: CONTRACT_NAME,
                contract: || {
                    Box::new(
                        ContractWrapper::new(execute, instantiate, query)
                            .with_reply(reply)
                            .with_migrate(migrate),
                    )
                },
                wasm_artifact: $wasm,
                catalog: <ContractError as CodedError>::catalog,
                denials: &[],
                downcast: downcast::<ContractError>,
                instantiate_schema: || schema_for!(InstantiateMsg),
                execute_schema: || schema_for!(ExecuteMsg),
                query_schema: || schema_for!(QueryMsg),
                query_responses: || QueryMsg::response_schemas().expect("query response schemas"),
                execute_responses: || BTreeMap::from([$( ($op.to_string(), schema_for!($resp)) ),*]),
            }
        }
    };
    ($fn:ident, $krate:ident, $name:literal, $file:literal, $wasm:literal, { $($op:literal => $resp:ty),* }) => {
        pub fn $fn() -> Component {
            use $krate::contract::{execute, instantiate, migrate, query, CONTRACT_NAME};
            use $krate::msg::{ExecuteMsg, InstantiateMsg, QueryMsg};
            use $krate::ContractError;
            Component {
                name: $name,
                spec_file: $file,
                cw2_name: CONTRACT_NAME,
                contract: || {
                    Box::new(ContractWrapper::new(execute, instantiate, query).with_migrate(migrate))
                },
                wasm_artifact: $wasm,
                catalog: <ContractError as CodedError>::catalog,
                denials: &[],
                downcast: downcast::<ContractError>,
                instantiate_schema: || schema_for!(InstantiateMsg),
                execute_schema: || schema_for!(ExecuteMsg),
                query_schema: || schema_for!(QueryMsg),
                query_responses: || QueryMsg::response_schemas().expect("query response schemas"),
                execute_responses: || BTreeMap::from([$( ($op.to_string(), schema_for!($resp)) ),*]),
            }
        }
    };
}

safety_component!(ans_state_manager, ans_state_manager, "ANSStateManager", "ans.json",
    "ans_state_manager.wasm", reply,
    { "update_tone" => ans_state_manager::msg::UpdateToneResponse });
safety_component!(
    afferent_inbox,
    afferent_inbox,
    "AfferentInbox",
    "afferent-inbox.json",
    "afferent_inbox.wasm",
    reply,
    {}
);
safety_component!(
    vagal_brake,
    vagal_brake,
    "VagalBrake",
    "vagal-brake.json",
    "vagal_brake.wasm",
    {}
);
safety_component!(capability_issuer, capability_issuer, "CapabilityIssuer",
    "capability-issuer.json", "capability_issuer.wasm", reply,
    { "issue" => capability_issuer::msg::IssueResult });
safety_component!(
    reflex_arc,
    reflex_arc,
    "ReflexArc",
    "reflex-arc.json",
    "reflex_arc.wasm",
    {}
);

/// Every component with a CosmWasm contract.
pub fn all() -> Vec<Component> {
    let mut all = vec![
        rate_limiter(),
        circuit_breaker(),
        ans_state_manager(),
        afferent_inbox(),
        vagal_brake(),
        capability_issuer(),
        reflex_arc(),
    ];
    for c in &mut all {
        c.denials = match c.name {
            "VagalBrake" => vagal_brake::error::DENIALS,
            "CapabilityIssuer" => capability_issuer::error::DENIALS,
            _ => c.denials,
        };
    }
    all
}

/// The component a vector names.
pub fn by_name(name: &str) -> Option<Component> {
    all().into_iter().find(|c| c.name == name)
}
