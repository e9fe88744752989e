//! Entry points of the CapabilityIssuer (spec/safety-core.md §4).
//!
//! `issue` runs steps 1–7 (frame, arguments, replay, processing, pre-state root, ANS
//! guard, brake) in the execute call: the inbox's root and the ANS guard are read raw from
//! their records (no VM call), the brake is a smart query. Then the breaker's `request` and
//! the rate limiter's `consume` are sub-messages whose replies carry their verdicts (their
//! response data) and continue the pipeline, the intent travelling in the sub-messages'
//! payload (`state::encode_pending`). A callee's error reverts the whole issue; a denial
//! ends it with `IssueDenied`.

#[cfg(not(feature = "library"))]
use cosmwasm_std::entry_point;
use cosmwasm_std::{
    from_json, to_json_binary, Addr, Binary, Deps, DepsMut, Env, Event, HexBinary, MessageInfo,
    Reply, Response, StdError, StdResult, Storage, SubMsg, SubMsgResult, Uint64, WasmMsg,
};
use vagus_common::counter;
use vagus_common::error::{validate_reason, CalleeError};
use vagus_common::frame;
use vagus_common::ids::{validate_action_id, validate_executor_id};
use vagus_common::layout::{self, SHUTDOWN};
use vagus_common::roles::{self, Roles, ADMIN, EMERGENCY, GUARDIAN, PLANNER, REPORTER, REVOKER};
use vagus_common::{authorize, FrameError, PausePolicy};

use crate::error::{
    ContractError, ANS_BLOCKED, BREAKER_OPEN, PROBE_LIMIT_REACHED, RATE_LIMITED,
    STATE_ROOT_MISMATCH,
};
use crate::links::{
    execute_response_data, ActionSchema, Admission, AnsExecutor, AnsGuard, BrakeQuery, BrakeResult,
    BreakerStatus, Cw2Name, GuardView, InboxLatest, PairExecute, Paused, HALF_OPEN,
};
use crate::msg::{
    BalanceOfResponse, Config, CountersResponse, ExecuteMsg, ExecutorInfo, InstantiateMsg, Intent,
    IsValidResponse, IssueResult, Links, NameResponse, OwnerOfResponse, QueryMsg, SymbolResponse,
    TokenId, TokenView, TotalSupplyResponse,
};
use crate::state::{
    self, load_executor, save_executor, ExecutorRecord, LinkAddrs, Pending, Token, BALANCES,
    CONFIG, EPOCHS, TOTAL_SUPPLY,
};

/// cw2 contract name: `crates.io:vagus-capability-issuer` (spec `wasmContract`).
pub const CONTRACT_NAME: &str = concat!("crates.io:", env!("CARGO_PKG_NAME"));
/// cw2 contract version: the `version` of the spec component file (`vagus_common::versions`).
pub const CONTRACT_VERSION: &str = vagus_common::versions::CAPABILITY_ISSUER;

/// The roles this contract defines (spec/capability-issuer.json `roles`).
pub const ROLES: Roles = Roles(&[ADMIN, GUARDIAN, PLANNER, REVOKER, REPORTER, EMERGENCY]);

/// Token name and symbol (cw721 `contract_info`, ERC-721 `name`/`symbol`).
pub const TOKEN_NAME: &str = "Vagus Capability";
pub const TOKEN_SYMBOL: &str = "VCAP";
/// Longest `max_ttl`, in seconds (30 days).
pub const MAX_TTL: u32 = 2_592_000;

/// Reply ids of the two admission sub-messages.
pub const BREAKER_REPLY: u64 = 1;
pub const LIMITER_REPLY: u64 = 2;

fn validate_config(c: &Config) -> Result<(), ContractError> {
    if c.max_ttl == 0 || c.max_ttl > MAX_TTL {
        return Err(ContractError::InvalidMaxTtl { value: c.max_ttl });
    }
    if c.max_nonce_step == 0 {
        return Err(ContractError::InvalidMaxNonceStep {
            value: c.max_nonce_step,
        });
    }
    Ok(())
}

fn config_set(c: &Config) -> Event {
    Event::new("config_set")
        .add_attribute("max_ttl", c.max_ttl.to_string())
        .add_attribute("max_nonce_step", c.max_nonce_step.to_string())
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn instantiate(
    mut deps: DepsMut,
    _env: Env,
    info: MessageInfo,
    msg: InstantiateMsg,
) -> Result<Response, ContractError> {
    let (_, granted) = roles::init_admin(deps.branch(), &info, &msg.admin)?;
    validate_config(&msg.config)?;
    cw2::set_contract_version(deps.storage, CONTRACT_NAME, CONTRACT_VERSION)?;
    CONFIG.save(deps.storage, &msg.config)?;
    Ok(Response::new()
        .add_event(granted)
        .add_event(config_set(&msg.config)))
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn execute(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    msg: ExecuteMsg,
) -> Result<Response, ContractError> {
    match msg {
        ExecuteMsg::Issue { intent } => issue(deps, env, info, intent),
        ExecuteMsg::Revoke { token_id, reason } => revoke(deps, info, token_id, reason),
        ExecuteMsg::RevokeAll {
            executor_id,
            reason,
        } => revoke_all(deps, info, executor_id, reason),
        ExecuteMsg::ReportOutcome { token_id, success } => {
            report_outcome(deps, info, token_id, success)
        }
        ExecuteMsg::PauseExecutor { executor_id } => {
            authorize(deps.storage, &info.sender, GUARDIAN, PausePolicy::Allowed)?;
            let id = validate_executor_id(executor_id)?;
            let mut e = load_executor(deps.storage, id)?;
            if e.paused {
                return Err(ContractError::ExecutorIsPaused { executor_id: id });
            }
            e.paused = true;
            save_executor(deps.storage, id, &e);
            Ok(Response::new().add_event(executor_event("executor_paused", id, &info.sender)))
        }
        ExecuteMsg::UnpauseExecutor { executor_id } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Allowed)?;
            let id = validate_executor_id(executor_id)?;
            let mut e = load_executor(deps.storage, id)?;
            if !e.paused {
                return Err(ContractError::ExecutorNotPaused { executor_id: id });
            }
            e.paused = false;
            save_executor(deps.storage, id, &e);
            Ok(Response::new().add_event(executor_event("executor_unpaused", id, &info.sender)))
        }
        ExecuteMsg::RegisterExecutor {
            executor_id,
            account,
        } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            let id = validate_executor_id(executor_id)?;
            let account = roles::validate_address(deps.as_ref(), &account)?;
            let mut e = load_executor(deps.storage, id)?;
            if e.registered {
                return Err(ContractError::ExecutorAlreadyRegistered { executor_id: id });
            }
            e.registered = true;
            e.account = Some(account.clone());
            save_executor(deps.storage, id, &e);
            Ok(Response::new().add_event(executor_event("executor_registered", id, &account)))
        }
        ExecuteMsg::SetConfig { config } => {
            authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
            validate_config(&config)?;
            CONFIG.save(deps.storage, &config)?;
            Ok(Response::new().add_event(config_set(&config)))
        }
        ExecuteMsg::SetLinks { links } => set_links(deps, info, links),
        frame => Ok(frame::execute(deps, &info, ROLES, frame)?),
    }
}

fn executor_event(ty: &str, id: u64, account: &Addr) -> Event {
    Event::new(ty)
        .add_attribute("executor_id", id.to_string())
        .add_attribute("account", account.as_str())
}

fn epoch_of(storage: &dyn Storage, id: u64) -> StdResult<u64> {
    Ok(EPOCHS.may_load(storage, id)?.unwrap_or(0))
}

fn set_links(deps: DepsMut, info: MessageInfo, links: Links) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, ADMIN, PausePolicy::Blocked)?;
    let required = |link: &Option<String>| -> Result<Addr, FrameError> {
        match link {
            Some(a) => roles::validate_address(deps.as_ref(), a),
            None => Err(FrameError::InvalidAddress {}),
        }
    };
    let set = LinkAddrs {
        ans: required(&links.ans)?,
        inbox: required(&links.inbox)?,
        brake: required(&links.brake)?,
        breaker: required(&links.breaker)?,
        rate_limiter: required(&links.rate_limiter)?,
    };
    state::save_links(deps.storage, &set);
    Ok(Response::new().add_event(
        Event::new("links_set")
            .add_attribute("ans", set.ans.as_str())
            .add_attribute("inbox", set.inbox.as_str())
            .add_attribute("brake", set.brake.as_str())
            .add_attribute("breaker", set.breaker.as_str())
            .add_attribute("rate_limiter", set.rate_limiter.as_str()),
    ))
}

fn load_links(storage: &dyn Storage) -> Result<LinkAddrs, ContractError> {
    state::load_links(storage)?
        .ok_or_else(|| StdError::generic_err("the issuer's links are not set").into())
}

/// The brake refused the query. Chains redact a nested query's error, so the issuer
/// asks the brake what it would have said: paused (`Paused`), or a schema whose length
/// differs from the values (`ParamCountMismatch`). The actionId and the factor were
/// already checked by the issuer and the ANS manager.
fn brake_failure(deps: Deps, brake: &Addr, action_id: &HexBinary, values: usize) -> ContractError {
    let paused: StdResult<Paused> = deps.querier.query_wasm_smart(brake, &BrakeQuery::Paused {});
    if matches!(paused, Ok(Paused { paused: true })) {
        return FrameError::Paused {}.into();
    }
    let schema: StdResult<ActionSchema> = deps.querier.query_wasm_smart(
        brake,
        &BrakeQuery::ActionSchema {
            action_id: action_id.clone(),
        },
    );
    match schema {
        Ok(s) if s.configured && s.params.len() != values => ContractError::Callee(CalleeError {
            code: 6006,
            name: "ParamCountMismatch",
            message: format!(
                "the schema has {} parameters, {} values were given",
                s.params.len(),
                values
            ),
        }),
        _ => StdError::generic_err("the brake refused the query").into(),
    }
}

/// A record of a linked contract, read raw (`WasmQuery::Raw`: no VM instance, only the
/// KV read is charged; docs/decisions/0051). `None` when the key is not set.
fn read_raw<T: serde::de::DeserializeOwned>(
    deps: Deps,
    contract: &Addr,
    key: &[u8],
) -> StdResult<Option<T>> {
    deps.querier
        .query_wasm_raw(contract, key.to_vec())?
        .map(|v| from_json(v.as_slice()))
        .transpose()
}

/// The ANS manager's `guardOf(executor)`, from its records: the executor's state and
/// shutdown epoch (SAFE with zeros when never seen) and that state's guard (its default
/// when never set). A missing record reads as SAFE only if the link really is an ANS
/// manager (its cw2 name): a raw read of anything else also finds nothing, and a smart
/// query of it failed, so a wrong link must not turn into SAFE.
fn guard_of(deps: Deps, ans: &Addr, executor_id: u64) -> StdResult<GuardView> {
    let record: Option<AnsExecutor> = read_raw(
        deps,
        ans,
        &layout::u64_key(layout::ANS_EXECUTORS, executor_id),
    )?;
    let e = match record {
        Some(e) => e,
        None => {
            let info: Option<Cw2Name> = read_raw(deps, ans, layout::CW2_KEY)?;
            if info.map(|i| i.contract).as_deref() != Some(layout::ANS_CONTRACT_NAME) {
                return Err(StdError::generic_err(
                    "the ans link is not an ANS state manager",
                ));
            }
            AnsExecutor::default()
        }
    };
    let g: Option<AnsGuard> = read_raw(deps, ans, &layout::u8_key(layout::ANS_GUARDS, e.state))?;
    let (factor_bp, allowed) = g.map_or_else(
        || layout::default_guard(e.state),
        |g| (g.factor_bp, g.allowed),
    );
    Ok(GuardView {
        state: e.state,
        factor_bp,
        allowed,
        shutdown_epoch: e.shutdown_epoch,
    })
}

fn issue(
    deps: DepsMut,
    env: Env,
    info: MessageInfo,
    intent: Intent,
) -> Result<Response, ContractError> {
    // 1. frame
    authorize(deps.storage, &info.sender, PLANNER, PausePolicy::Blocked)?;
    // 2. arguments
    let id = validate_executor_id(intent.executor_id)?;
    let action = validate_action_id(&intent.action_id)?;
    let mut executor = load_executor(deps.storage, id)?;
    if !executor.registered {
        return Err(ContractError::UnknownExecutor { executor_id: id });
    }
    if executor.paused {
        return Err(ContractError::ExecutorIsPaused { executor_id: id });
    }
    let config = CONFIG.load(deps.storage)?;
    if intent.ttl == 0 || intent.ttl > config.max_ttl {
        return Err(ContractError::InvalidTtl {
            ttl: intent.ttl,
            max_ttl: config.max_ttl,
        });
    }
    let (not_before, not_after) = (intent.not_before.u64(), intent.not_after.u64());
    if not_before > not_after {
        return Err(ContractError::InvalidWindow {
            not_before,
            not_after,
        });
    }
    let t = env.block.time.seconds();
    if t < not_before {
        return Err(ContractError::IntentNotYetValid { not_before });
    }
    if t > not_after {
        return Err(ContractError::IntentExpired { not_after });
    }
    // 3. replay
    let nonce = intent.nonce.u64();
    if nonce <= executor.last_nonce {
        return Err(ContractError::NonceReplayed {
            executor_id: id,
            nonce,
            last_nonce: executor.last_nonce,
        });
    }
    // No underflow: nonce > last_nonce. Keeps any one planner from using up the executor's
    // nonces (issue 9 hole 2); a refused intent uses no nonce.
    if nonce - executor.last_nonce > u64::from(config.max_nonce_step) {
        return Err(ContractError::NonceTooFar {
            executor_id: id,
            nonce,
            last_nonce: executor.last_nonce,
            max_nonce_step: config.max_nonce_step,
        });
    }
    let links = load_links(deps.storage)?;
    // 4. processed from here: the nonce is used even if the intent is denied.
    executor.last_nonce = nonce;
    executor.requests = executor.requests.saturating_add(1);

    // 5. pre-state root
    let latest: Option<InboxLatest> = read_raw(
        deps.as_ref(),
        &links.inbox,
        &layout::u64_key(layout::INBOX_LATEST, id),
    )?;
    let latest = latest.map_or([0u8; 32], |l| l.state_root);
    if latest.iter().all(|b| *b == 0) || latest.as_slice() != intent.pre_state_root.as_slice() {
        return deny(deps, executor, id, &action, nonce, STATE_ROOT_MISMATCH, 0);
    }
    // 6. ANS guard
    let guard = guard_of(deps.as_ref(), &links.ans, id)?;
    if !guard.allowed {
        return deny(deps, executor, id, &action, nonce, ANS_BLOCKED, 0);
    }
    // 7. brake
    let brake: BrakeResult = deps
        .querier
        .query_wasm_smart(
            &links.brake,
            &BrakeQuery::ApplyBrake {
                action_id: intent.action_id.clone(),
                values: intent.params.clone(),
                factor_bp: guard.factor_bp,
            },
        )
        .map_err(|_| {
            brake_failure(
                deps.as_ref(),
                &links.brake,
                &intent.action_id,
                intent.params.len(),
            )
        })?;
    if brake.code != 0 {
        return deny(deps, executor, id, &action, nonce, brake.code, 0);
    }
    save_executor(deps.storage, id, &executor);
    let hash = |h: &HexBinary| -> StdResult<[u8; 32]> {
        h.as_slice()
            .try_into()
            .map_err(|_| StdError::generic_err("the brake returned a hash that is not 32 bytes"))
    };
    let pending = state::encode_pending(&Pending {
        executor_id: id,
        action_id: action,
        nonce,
        ttl: intent.ttl,
        state: guard.state,
        shutdown_epoch: guard.shutdown_epoch,
        params_sha256: hash(&brake.params_sha256)?,
        params_keccak256: hash(&brake.params_keccak256)?,
        limits_sha256: hash(&brake.limits_sha256)?,
        limits_keccak256: hash(&brake.limits_keccak256)?,
    });
    // 8. breaker (continues in `reply`)
    let request = pair_msg(
        &links.breaker,
        &PairExecute::Request {
            executor_id: intent.executor_id,
            action_id: intent.action_id,
        },
    )?;
    Ok(Response::new()
        .add_submessage(SubMsg::reply_on_success(request, BREAKER_REPLY).with_payload(pending)))
}

fn pair_msg(contract: &Addr, msg: &PairExecute) -> StdResult<WasmMsg> {
    Ok(WasmMsg::Execute {
        contract_addr: contract.to_string(),
        msg: to_json_binary(msg)?,
        funds: vec![],
    })
}

/// A policy denial: counted, reported with its code, no token; the call succeeds.
fn deny(
    deps: DepsMut,
    mut executor: ExecutorRecord,
    id: u64,
    action: &[u8; 32],
    nonce: u64,
    code: u16,
    retry_at: u64,
) -> Result<Response, ContractError> {
    executor.denied = executor.denied.saturating_add(1);
    save_executor(deps.storage, id, &executor);
    Ok(Response::new()
        .add_event(
            Event::new("issue_denied")
                .add_attribute("executor_id", id.to_string())
                .add_attribute("action_id", HexBinary::from(action.as_slice()).to_hex())
                .add_attribute("nonce", nonce.to_string())
                .add_attribute("code", code.to_string())
                .add_attribute("retry_at", retry_at.to_string()),
        )
        .set_data(to_json_binary(&IssueResult {
            issued: false,
            token_id: TokenId::new(0),
            code,
            retry_at: Uint64::new(retry_at),
        })?))
}

/// Steps 8–10 continue here: the breaker's verdict, then the rate limiter's, then the mint.
#[cfg_attr(not(feature = "library"), entry_point)]
pub fn reply(deps: DepsMut, env: Env, msg: Reply) -> Result<Response, ContractError> {
    let SubMsgResult::Ok(response) = msg.result else {
        return Err(StdError::generic_err("an admission sub-message failed").into());
    };
    let admission: Admission = from_json(execute_response_data(&response)?)?;
    let pending = state::decode_pending(msg.payload.as_slice())?;
    let executor = load_executor(deps.storage, pending.executor_id)?;
    let retry_at = admission.retry_at.u64();
    match msg.id {
        BREAKER_REPLY if !admission.allowed => {
            let code = if retry_at == 0 {
                PROBE_LIMIT_REACHED
            } else {
                BREAKER_OPEN
            };
            deny(
                deps,
                executor,
                pending.executor_id,
                &pending.action_id,
                pending.nonce,
                code,
                retry_at,
            )
        }
        BREAKER_REPLY => {
            // 9. rate limit (continues in the next reply)
            let links = load_links(deps.storage)?;
            let consume = pair_msg(
                &links.rate_limiter,
                &PairExecute::Consume {
                    executor_id: Uint64::new(pending.executor_id),
                    action_id: HexBinary::from(pending.action_id.as_slice()),
                },
            )?;
            Ok(Response::new().add_submessage(
                SubMsg::reply_on_success(consume, LIMITER_REPLY).with_payload(msg.payload),
            ))
        }
        LIMITER_REPLY if !admission.allowed => {
            // All-or-nothing admissions: the breaker's admission of this intent is given
            // back (a HALF_OPEN probe; a no-op when CLOSED), so no probe is lost to an
            // intent that is not issued (issue 9 hole 3).
            let links = load_links(deps.storage)?;
            let release = pair_msg(
                &links.breaker,
                &PairExecute::Release {
                    executor_id: Uint64::new(pending.executor_id),
                    action_id: HexBinary::from(pending.action_id.as_slice()),
                },
            )?;
            Ok(deny(
                deps,
                executor,
                pending.executor_id,
                &pending.action_id,
                pending.nonce,
                RATE_LIMITED,
                retry_at,
            )?
            .add_message(release))
        }
        LIMITER_REPLY => mint(deps, &env, executor, &pending),
        other => Err(StdError::generic_err(format!("unknown reply id {other}")).into()),
    }
}

/// 10. mint: the next id, the executor's current epoch, `expires_at = t + ttl`.
fn mint(
    deps: DepsMut,
    env: &Env,
    mut executor: ExecutorRecord,
    p: &Pending,
) -> Result<Response, ContractError> {
    let t = env.block.time.seconds();
    let token_id = counter::next(TOTAL_SUPPLY.may_load(deps.storage)?.unwrap_or(0))?;
    let expires_at = t + u64::from(p.ttl);
    let epoch = epoch_of(deps.storage, p.executor_id)?;
    state::save_token(
        deps.storage,
        token_id,
        &Token {
            executor_id: p.executor_id,
            action_id: p.action_id,
            epoch,
            issued_at: t,
            expires_at,
            revoked: false,
            outcome_reported: false,
            shutdown_epoch: p.shutdown_epoch,
        },
    );
    TOTAL_SUPPLY.save(deps.storage, &token_id)?;
    executor.issued = executor.issued.saturating_add(1);
    save_executor(deps.storage, p.executor_id, &executor);
    if let Some(account) = &executor.account {
        let balance = BALANCES.may_load(deps.storage, account)?.unwrap_or(0);
        BALANCES.save(deps.storage, account, &counter::next(balance)?)?;
    }
    let hex = |h: &[u8; 32]| HexBinary::from(h.as_slice()).to_hex();
    Ok(Response::new()
        .add_event(
            Event::new("capability_issued")
                .add_attribute("token_id", token_id.to_string())
                .add_attribute("executor_id", p.executor_id.to_string())
                .add_attribute("action_id", hex(&p.action_id))
                .add_attribute("expires_at", expires_at.to_string())
                .add_attribute("state", p.state.to_string())
                .add_attribute("params_sha256", hex(&p.params_sha256))
                .add_attribute("params_keccak256", hex(&p.params_keccak256))
                .add_attribute("limits_sha256", hex(&p.limits_sha256))
                .add_attribute("limits_keccak256", hex(&p.limits_keccak256)),
        )
        .set_data(to_json_binary(&IssueResult {
            issued: true,
            token_id: TokenId::new(token_id),
            code: 0,
            retry_at: Uint64::zero(),
        })?))
}

fn load_token(storage: &dyn Storage, token_id: &TokenId) -> Result<(u64, Token), ContractError> {
    let unknown = || ContractError::UnknownToken {
        token_id: token_id.to_string(),
    };
    let key = token_id.key.ok_or_else(unknown)?;
    let token = state::load_token(storage, key)?.ok_or_else(unknown)?;
    Ok((key, token))
}

fn revoke(
    deps: DepsMut,
    info: MessageInfo,
    token_id: TokenId,
    reason: String,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, REVOKER, PausePolicy::Allowed)?;
    let (key, mut token) = load_token(deps.storage, &token_id)?;
    if token.revoked {
        return Err(ContractError::AlreadyRevoked {
            token_id: token_id.to_string(),
        });
    }
    validate_reason(&reason)?;
    token.revoked = true;
    state::save_token(deps.storage, key, &token);
    Ok(Response::new().add_event(
        Event::new("capability_revoked")
            .add_attribute("token_id", key.to_string())
            .add_attribute("executor_id", token.executor_id.to_string())
            .add_attribute("reason", reason),
    ))
}

/// One epoch bump: every token of the executor minted before it stops being valid.
fn revoke_all(
    deps: DepsMut,
    info: MessageInfo,
    executor_id: Uint64,
    reason: String,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, REVOKER, PausePolicy::Allowed)?;
    let id = validate_executor_id(executor_id)?;
    validate_reason(&reason)?;
    let epoch = counter::next(epoch_of(deps.storage, id)?)?;
    EPOCHS.save(deps.storage, id, &epoch)?;
    Ok(Response::new().add_event(
        Event::new("all_revoked")
            .add_attribute("executor_id", id.to_string())
            .add_attribute("epoch", epoch.to_string())
            .add_attribute("reason", reason),
    ))
}

fn report_outcome(
    deps: DepsMut,
    info: MessageInfo,
    token_id: TokenId,
    success: bool,
) -> Result<Response, ContractError> {
    authorize(deps.storage, &info.sender, REPORTER, PausePolicy::Allowed)?;
    let (key, mut token) = load_token(deps.storage, &token_id)?;
    if token.outcome_reported {
        return Err(ContractError::OutcomeAlreadyReported {
            token_id: token_id.to_string(),
        });
    }
    token.outcome_reported = true;
    state::save_token(deps.storage, key, &token);
    let links = load_links(deps.storage)?;
    let executor_id = Uint64::new(token.executor_id);
    let action_id = HexBinary::from(token.action_id.as_slice());
    let res = Response::new().add_event(
        Event::new("outcome_reported")
            .add_attribute("token_id", key.to_string())
            .add_attribute("success", success.to_string()),
    );
    if success {
        // Only tokens issued after the breaker last opened may help close it (issue 9 hole
        // 5): nothing is issued while OPEN, so `issued_at > opened_at` is exact.
        let st: BreakerStatus = deps.querier.query_wasm_smart(
            &links.breaker,
            &PairExecute::Status {
                executor_id,
                action_id: action_id.clone(),
            },
        )?;
        if st.state == HALF_OPEN && token.issued_at <= st.opened_at.u64() {
            return Ok(res.add_event(
                Event::new("stale_outcome")
                    .add_attribute("token_id", key.to_string())
                    .add_attribute("issued_at", token.issued_at.to_string())
                    .add_attribute("opened_at", st.opened_at.to_string()),
            ));
        }
    }
    let record = pair_msg(
        &links.breaker,
        &PairExecute::RecordOutcome {
            executor_id,
            action_id,
            success,
        },
    )?;
    Ok(res.add_message(record))
}

/// `isValid`: exists, not revoked, current epoch, `t < expires_at`, executor not in
/// SHUTDOWN and not in SHUTDOWN since the issue (its shutdown epoch unchanged), both asked
/// of the ANS manager.
pub fn is_valid(deps: Deps, env: &Env, token_id: &TokenId) -> StdResult<bool> {
    let Some(key) = token_id.key else {
        return Ok(false);
    };
    let Some(token) = state::load_token(deps.storage, key)? else {
        return Ok(false);
    };
    if token.revoked
        || token.epoch != epoch_of(deps.storage, token.executor_id)?
        || env.block.time.seconds() >= token.expires_at
    {
        return Ok(false);
    }
    let Some(links) = state::load_links(deps.storage)? else {
        return Ok(false);
    };
    let guard = guard_of(deps, &links.ans, token.executor_id)?;
    Ok(guard.state != SHUTDOWN && guard.shutdown_epoch == token.shutdown_epoch)
}

#[cfg_attr(not(feature = "library"), entry_point)]
pub fn query(deps: Deps, env: Env, msg: QueryMsg) -> Result<Binary, ContractError> {
    Ok(match msg {
        QueryMsg::IsValid { token_id } => to_json_binary(&IsValidResponse {
            valid: is_valid(deps, &env, &token_id)?,
        })?,
        QueryMsg::Token { token_id } => {
            let found = token_id
                .key
                .map(|k| state::load_token(deps.storage, k))
                .transpose()?
                .flatten();
            let view = match found {
                Some(t) => TokenView {
                    exists: true,
                    owner: load_executor(deps.storage, t.executor_id)?.account,
                    executor_id: Uint64::new(t.executor_id),
                    action_id: HexBinary::from(t.action_id.as_slice()),
                    epoch: Uint64::new(t.epoch),
                    issued_at: Uint64::new(t.issued_at),
                    expires_at: Uint64::new(t.expires_at),
                    revoked: t.revoked,
                    outcome_reported: t.outcome_reported,
                    shutdown_epoch: t.shutdown_epoch,
                },
                None => TokenView {
                    exists: false,
                    owner: None,
                    executor_id: Uint64::zero(),
                    action_id: HexBinary::from([0u8; 32]),
                    epoch: Uint64::zero(),
                    issued_at: Uint64::zero(),
                    expires_at: Uint64::zero(),
                    revoked: false,
                    outcome_reported: false,
                    shutdown_epoch: 0,
                },
            };
            to_json_binary(&view)?
        }
        QueryMsg::OwnerOf { token_id } => {
            let (_, token) = load_token(deps.storage, &token_id)?;
            let owner = load_executor(deps.storage, token.executor_id)?
                .account
                .ok_or_else(|| StdError::generic_err("token without an owner"))?;
            to_json_binary(&OwnerOfResponse { owner })?
        }
        QueryMsg::BalanceOf { owner } => {
            let balance = match deps.api.addr_validate(&owner) {
                Ok(a) => BALANCES.may_load(deps.storage, &a)?.unwrap_or(0),
                Err(_) => 0,
            };
            to_json_binary(&BalanceOfResponse {
                balance: Uint64::new(balance),
            })?
        }
        QueryMsg::TotalSupply {} => to_json_binary(&TotalSupplyResponse {
            total_supply: Uint64::new(TOTAL_SUPPLY.may_load(deps.storage)?.unwrap_or(0)),
        })?,
        QueryMsg::Name {} => to_json_binary(&NameResponse {
            name: TOKEN_NAME.to_string(),
        })?,
        QueryMsg::Symbol {} => to_json_binary(&SymbolResponse {
            symbol: TOKEN_SYMBOL.to_string(),
        })?,
        QueryMsg::Executor { executor_id } => {
            let e = load_executor(deps.storage, executor_id.u64())?;
            to_json_binary(&ExecutorInfo {
                registered: e.registered,
                account: e.account,
                epoch: Uint64::new(epoch_of(deps.storage, executor_id.u64())?),
                last_nonce: Uint64::new(e.last_nonce),
                paused: e.paused,
            })?
        }
        QueryMsg::Counters { executor_id } => {
            let e = load_executor(deps.storage, executor_id.u64())?;
            to_json_binary(&CountersResponse {
                requests: Uint64::new(e.requests),
                issued: Uint64::new(e.issued),
                denied: Uint64::new(e.denied),
            })?
        }
        QueryMsg::Config {} => to_json_binary(&CONFIG.load(deps.storage)?)?,
        QueryMsg::Links {} => {
            let links = state::load_links(deps.storage)?;
            let get = |f: fn(&LinkAddrs) -> &Addr| links.as_ref().map(|l| f(l).to_string());
            to_json_binary(&Links {
                ans: get(|l| &l.ans),
                inbox: get(|l| &l.inbox),
                brake: get(|l| &l.brake),
                breaker: get(|l| &l.breaker),
                rate_limiter: get(|l| &l.rate_limiter),
            })?
        }
        frame => frame::query(deps, frame)?,
    })
}

vagus_common::migrate_entry_point!(CONTRACT_NAME, CONTRACT_VERSION, ContractError);
