//! The reflex notifications of the ANS manager and the afferent inbox
//! (spec/safety-core.md §1.5, §2.3): a failure inside the reflex arc is caught, undone and
//! recorded, and the tone update or evidence post stands.

use cosmwasm_std::{SubMsg, WasmMsg};

/// SDK gas a reflex notification may use, the reflex arc's calls into the issuer included
/// (spec/safety-core.md §1.5). The heaviest real notification (SHUTDOWN: the reflex fires
/// and revokes all of the executor's tokens) measures about a quarter of it on the embedded
/// engine with wasmd's gas schedule, so a chain with costlier gas params still fits. An
/// out-of-gas within the limit is an ordinary failure (`reply_on_error`); when the
/// transaction has less gas left than the limit, running out aborts the whole transaction,
/// so no caller can pick a gas limit that turns a reflex into a recorded failure.
pub const REFLEX_NOTIFY_GAS_LIMIT: u64 = 1_000_000;

/// The notification sub-message: gas-limited, replied to on error only.
pub fn reflex_notification(msg: WasmMsg, reply_id: u64) -> SubMsg {
    SubMsg::reply_on_error(msg, reply_id).with_gas_limit(REFLEX_NOTIFY_GAS_LIMIT)
}
