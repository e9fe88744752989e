//! Entry points of the AfferentInbox (spec/safety-core.md §2), in the frame's check
//! order. The reflex notification is a gas-limited `reply_on_error` sub-message, as in the ANS
//! manager: a failure is rolled back by the chain, counted and reported.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Env, Event, HexBinary, MessageInfo,
    Reply, Response, StdError, StdResult, SubMsgResult, Uint64, WasmMsg,
};
use vagus_common::frame;
use vagus_common::ids::validate_executor_id;
use vagus_common::notify::reflex_notification;
use vagus_common::pause::is_paused;
use vagus_common::roles::{self, Roles, ADMIN, ATTESTOR, EMERGENCY, GUARDIAN};
use vagus_common::{authorize, PausePolicy};

use crate::error::ContractError;
use crate::evidence;
use crate::msg::{
    CountersResponse, EncodeEvidenceResponse, ExecuteMsg, InstantiateMsg, LatestEvidenceResponse,
    LatestRootResponse, Metrics, QueryMsg, ReflexArcExecuteMsg, ReflexArcResponse,
};
use crate::state::{Latest, COUNTERS, LATEST, REFLEX_ARC};

/// cw2 contract name: `crates.io:vagus-afferent-inbox` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
pub const CONTRACT_VERSION: &str = vagus_common::versions::AFFERENT_INBOX;

/// The roles this contract defines (spec/afferent-inbox.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, GUARDIAN, ATTESTOR, EMERGENCY]);

/// Reply id of the reflex notification.
pub const NOTIFY_REPLY: u64 = 1;
/// Highest risk, in ppm.
pub const MAX_RISK_PPM: u32 = 1_000_000;

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let (_, granted) = roles::init_admin(deps.branch(), &info, &msg.admin)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    Ok(Response::new().add_event(granted))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::PostEvidence {
            executor_id,
            state_root,
            metrics,
        } => post_evidence(deps, env, info, executor_id, state_root, metrics),
        ExecuteMsg::SetReflexArc { reflex_arc } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            let link = match reflex_arc {
                Some(a) => Some(roles::validate_address(deps.as_ref(), &a)?),
                None => None,
            };
            match &link {
                Some(a) => REFLEX_ARC.save(deps.storage, a)?,
                None => REFLEX_ARC.remove(deps.storage),
            }
            Ok(
                Response::new().add_event(Event::new("reflex_arc_set").add_attribute(
                    "reflex_arc",
                    link.as_ref().map_or("null".to_string(), Addr::to_string),
                )),
            )
        }
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

/// A `bytes32` state root: exactly 32 bytes (a type check).
fn root_bytes(state_root: &HexBinary) -> Result<[u8; 32], ContractError> {
    state_root
        .as_slice()
        .try_into()
        .map_err(|_| ContractError::InvalidStateRoot {})
}

fn post_evidence(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    executor_id: Uint64,
    state_root: HexBinary,
    metrics: Metrics,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ATTESTOR, PausePolicy::Allowed)?;
    let id = validate_executor_id(executor_id)?;
    let root = root_bytes(&state_root)?;
    if root == [0u8; 32] {
        return Err(ContractError::InvalidStateRoot {});
    }
    if metrics.risk_ppm > MAX_RISK_PPM {
        return Err(ContractError::InvalidRisk {
            value: metrics.risk_ppm,
        });
    }
    let latest_sequence = LATEST
        .may_load(deps.storage, id)?
        .map_or(0, |l| l.metrics.sequence.u64());
    let sequence = metrics.sequence.u64();
    if sequence <= latest_sequence {
        return Err(ContractError::StaleSequence {
            sequence,
            latest_sequence,
        });
    }
    // A paused inbox stores nothing (spec/safety-core.md §2.1): a root or sequence posted
    // during an incident must not become what the first issue after the unpause is checked
    // against; the reflex still hears the evidence.
    if is_paused(deps.storage)? {
        let res = Response::new().add_event(
            Event::new("evidence_withheld")
                .add_attribute("executor_id", id.to_string())
                .add_attribute("sequence", sequence.to_string())
                .add_attribute("risk_ppm", metrics.risk_ppm.to_string())
                .add_attribute("attestor", info.sender.as_str()),
        );
        return notify_reflex(deps.as_ref(), res, executor_id, metrics);
    }
    let (_, hash) = evidence::commit(id, &root, &metrics);
    LATEST.save(
        deps.storage,
        id,
        &Latest {
            state_root: root,
            metrics,
            posted_at: env.block.time.seconds(),
            sha256: hash.sha256,
            keccak256: hash.keccak256,
        },
    )?;
    let (posts, failures) = COUNTERS.may_load(deps.storage)?.unwrap_or_default();
    COUNTERS.save(deps.storage, &(posts.saturating_add(1), failures))?;
    let res = Response::new().add_event(
        Event::new("evidence_posted")
            .add_attribute("executor_id", id.to_string())
            .add_attribute("sequence", sequence.to_string())
            .add_attribute("state_root", state_root.to_hex())
            .add_attribute("risk_ppm", metrics.risk_ppm.to_string())
            .add_attribute("sha256", HexBinary::from(hash.sha256).to_hex())
            .add_attribute("keccak256", HexBinary::from(hash.keccak256).to_hex())
            .add_attribute("attestor", info.sender.as_str()),
    );
    notify_reflex(deps.as_ref(), res, executor_id, metrics)
}

/// spec §2.3: the reflex arc hears every accepted post; a failure is caught in `reply`.
fn notify_reflex(
    deps: Deps,
    res: Response,
    executor_id: Uint64,
    metrics: Metrics,
) -> Result<Response, ContractError> {
    let Some(reflex_arc) = REFLEX_ARC.may_load(deps.storage)? else {
        return Ok(res);
    };
    let payload = to_json_binary(&(executor_id.u64(), metrics.sequence.u64()))?;
    let msg = WasmMsg::Execute {
        contract_addr: reflex_arc.into_string(),
        msg: to_json_binary(&ReflexArcExecuteMsg::OnEvidence {
            executor_id,
            metrics,
        })?,
        funds: vec![],
    };
    Ok(res.add_submessage(reflex_notification(msg, NOTIFY_REPLY).with_payload(payload)))
}

/// A failed reflex notification: undone by the chain, counted and reported.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, _env: Env, msg: Reply) -> Result<Response, ContractError> {
    if msg.id != NOTIFY_REPLY {
        return Err(StdError::generic_err(format!("unknown reply id {}", msg.id)).into());
    }
    let SubMsgResult::Err(_) = msg.result else {
        return Ok(Response::new());
    };
    let (id, sequence): (u64, u64) = from_json(&msg.payload)?;
    let (posts, failures) = COUNTERS.may_load(deps.storage)?.unwrap_or_default();
    COUNTERS.save(deps.storage, &(posts, failures.saturating_add(1)))?;
    Ok(Response::new().add_event(
        Event::new("reflex_notification_failed")
            .add_attribute("executor_id", id.to_string())
            .add_attribute("sequence", sequence.to_string()),
    ))
}

fn load(deps: Deps, executor_id: Uint64) -> StdResult<Option<Latest>> {
    LATEST.may_load(deps.storage, executor_id.u64())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, _env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    let zero = || HexBinary::from([0u8; 32]);
    Ok(match msg {
        QueryMsg::LatestEvidence { executor_id } => {
            let r = match load(deps, executor_id)? {
                Some(l) => LatestEvidenceResponse {
                    state_root: HexBinary::from(l.state_root),
                    sequence: l.metrics.sequence,
                    risk_ppm: l.metrics.risk_ppm,
                    force_milli_n: l.metrics.force_milli_n,
                    velocity_milli_mps: l.metrics.velocity_milli_mps,
                    temperature_milli_c: l.metrics.temperature_milli_c,
                    posted_at: Uint64::new(l.posted_at),
                    sha256: HexBinary::from(l.sha256),
                    keccak256: HexBinary::from(l.keccak256),
                },
                None => LatestEvidenceResponse {
                    state_root: zero(),
                    sequence: Uint64::zero(),
                    risk_ppm: 0,
                    force_milli_n: Uint64::zero(),
                    velocity_milli_mps: Uint64::zero(),
                    temperature_milli_c: Default::default(),
                    posted_at: Uint64::zero(),
                    sha256: zero(),
                    keccak256: zero(),
                },
            };
            to_json_binary(&r)?
        }
        QueryMsg::LatestRoot { executor_id } => to_json_binary(&LatestRootResponse {
            state_root: load(deps, executor_id)?
                .map_or_else(zero, |l| HexBinary::from(l.state_root)),
        })?,
        QueryMsg::EncodeEvidence {
            executor_id,
            state_root,
            metrics,
        } => {
            let root = root_bytes(&state_root)?;
            let (cbor, hash) = evidence::commit(executor_id.u64(), &root, &metrics);
            to_json_binary(&EncodeEvidenceResponse {
                cbor: HexBinary::from(cbor),
                sha256: HexBinary::from(hash.sha256),
                keccak256: HexBinary::from(hash.keccak256),
            })?
        }
        QueryMsg::ReflexArc {} => to_json_binary(&ReflexArcResponse {
            reflex_arc: REFLEX_ARC.may_load(deps.storage)?,
        })?,
        QueryMsg::Counters {} => {
            let (posts, failures) = COUNTERS.may_load(deps.storage)?.unwrap_or_default();
            to_json_binary(&CountersResponse {
                posts: Uint64::new(posts),
                notification_failures: Uint64::new(failures),
            })?
        }
        frame => frame::query(deps, frame)?,
    })
}

vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);
