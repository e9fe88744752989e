//! The messages the issuer sends to, and the answers it reads from, the contracts it is
//! linked to. Mirrors of their spec surfaces (spec/*.json), so the issuer does not link
//! their code; the inbox's and the ANS manager's records are read raw, in the layout
//! `vagus_common::layout` shares with them.

use cosmwasm_schema::cw_serde;
use cosmwasm_std::{Binary, HexBinary, StdError, StdResult, SubMsgResponse, Uint64};

/// What the issuer reads of the ANS manager for one executor (its record and the guard of
/// its state, read raw: `vagus_common::layout`).
pub struct GuardView {
    pub state: u8,
    pub factor_bp: u16,
    pub allowed: bool,
    pub shutdown_epoch: u32,
}

/// The fields of the ANS manager's executor record the issuer reads (the others are
/// skipped); an executor never seen has no record and is SAFE with zeros.
#[derive(serde::Deserialize, Default)]
pub struct AnsExecutor {
    pub state: u8,
    #[serde(default)]
    pub shutdown_epoch: u32,
}

/// The ANS manager's guard record of one state.
#[derive(serde::Deserialize)]
pub struct AnsGuard {
    pub factor_bp: u16,
    pub allowed: bool,
}

/// The field of a linked contract's cw2 record the issuer checks.
#[derive(serde::Deserialize)]
pub struct Cw2Name {
    pub contract: String,
}

/// The field of the inbox's latest-evidence record the issuer reads.
#[derive(serde::Deserialize)]
pub struct InboxLatest {
    pub state_root: [u8; 32],
}

/// `VagalBrake` queries.
#[cw_serde]
pub enum BrakeQuery {
    ApplyBrake {
        action_id: HexBinary,
        values: Vec<Uint64>,
        factor_bp: u16,
    },
    ActionSchema {
        action_id: HexBinary,
    },
    Paused {},
}

#[cw_serde]
pub struct BrakeResult {
    pub code: u16,
    pub scaled: Vec<Uint64>,
    pub params_sha256: HexBinary,
    pub params_keccak256: HexBinary,
    pub limits_sha256: HexBinary,
    pub limits_keccak256: HexBinary,
}

/// `action_schema`'s answer, read only for the number of parameters (each parameter is
/// skipped unparsed: the issuer only needs the count, and every parsed type costs bytes).
#[derive(serde::Deserialize)]
pub struct ActionSchema {
    pub configured: bool,
    pub params: Vec<serde::de::IgnoredAny>,
}

#[cw_serde]
pub struct Paused {
    pub paused: bool,
}

/// The fields of `status` the issuer reads (the others are skipped).
#[derive(serde::Deserialize)]
pub struct BreakerStatus {
    pub state: u8,
    pub opened_at: Uint64,
}

/// `BreakerState` HALF_OPEN.
pub const HALF_OPEN: u8 = 2;

/// `CircuitBreaker` and `RateLimiter` executes the issuer sends.
#[cw_serde]
pub enum PairExecute {
    Request {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    Consume {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    Release {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    /// The breaker's `status` query: the same JSON shape as the executes, so it shares
    /// their serializer (the issuer's artifact is near its size limit).
    Status {
        executor_id: Uint64,
        action_id: HexBinary,
    },
    RecordOutcome {
        executor_id: Uint64,
        action_id: HexBinary,
        success: bool,
    },
}

/// The answer of `request` and `consume` (their response data).
#[cw_serde]
pub struct Admission {
    pub allowed: bool,
    pub retry_at: Uint64,
}

/// The callee's response `data` out of a successful execute sub-message: the chain wraps
/// it in a protobuf `MsgExecuteContractResponse { bytes data = 1; }`.
pub fn execute_response_data(res: &SubMsgResponse) -> StdResult<Binary> {
    let wrapped = res
        .msg_responses
        .first()
        .map(|r| r.value.clone())
        .or_else(|| {
            #[allow(deprecated)]
            res.data.clone()
        })
        .ok_or_else(|| StdError::generic_err("the sub-message returned no data"))?;
    unwrap_bytes_field(wrapped.as_slice()).map(Binary::from)
}

/// Field 1 (wire type 2) of a one-field protobuf message.
fn unwrap_bytes_field(buf: &[u8]) -> StdResult<Vec<u8>> {
    let bad = || StdError::generic_err("malformed MsgExecuteContractResponse");
    let (&tag, mut rest) = buf.split_first().ok_or_else(bad)?;
    if tag != 0x0a {
        return Err(bad());
    }
    let mut len: u64 = 0;
    let mut shift = 0;
    loop {
        let (&b, tail) = rest.split_first().ok_or_else(bad)?;
        rest = tail;
        len |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 63 {
            return Err(bad());
        }
    }
    let len = usize::try_from(len).map_err(|_| bad())?;
    if rest.len() != len {
        return Err(bad());
    }
    Ok(rest.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unwraps_the_data_field() {
        assert_eq!(unwrap_bytes_field(&[0x0a, 2, b'{', b'}']).unwrap(), b"{}");
        let mut long = vec![0x0a, 0x80, 0x01];
        long.extend(std::iter::repeat_n(b'x', 128));
        assert_eq!(unwrap_bytes_field(&long).unwrap().len(), 128);
        assert!(unwrap_bytes_field(&[0x12, 0]).is_err());
        assert!(unwrap_bytes_field(&[0x0a, 3, 1]).is_err());
    }
}
