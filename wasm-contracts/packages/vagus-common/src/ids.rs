//! Identifiers shared by every component: `executorId` (u64, 0 reserved) and
//! `actionId` (32 bytes, all-zero reserved), and the per-pair storage key built from them.

use cosmwasm_std::{HexBinary, Uint64};

use crate::error::FrameError;

/// A validated `(executorId, actionId)` pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pair {
    pub executor_id: u64,
    pub action_id: [u8; 32],
}

impl Pair {
    /// Validates both ids in spec order: `executorId` first (`InvalidExecutorId`), then
    /// `actionId` (`InvalidActionId`: not exactly 32 bytes, or all zero).
    pub fn validate(executor_id: Uint64, action_id: &HexBinary) -> Result<Self, FrameError> {
        let executor_id = validate_executor_id(executor_id)?;
        let action_id = validate_action_id(action_id)?;
        Ok(Pair {
            executor_id,
            action_id,
        })
    }

    /// Builds the storage key of an unvalidated pair, for read-only queries: an unknown or
    /// malformed pair simply reads as empty.
    pub fn unchecked(executor_id: Uint64, action_id: &HexBinary) -> (u64, Vec<u8>) {
        (executor_id.u64(), action_id.to_vec())
    }

    /// Storage key `(executorId, actionId bytes)`.
    pub fn key(&self) -> (u64, &[u8]) {
        (self.executor_id, &self.action_id)
    }

    /// `actionId` as lowercase hex without `0x` (the CosmWasm attribute form).
    pub fn action_hex(&self) -> String {
        HexBinary::from(self.action_id.as_slice()).to_hex()
    }
}

/// `executorId != 0`.
pub fn validate_executor_id(executor_id: Uint64) -> Result<u64, FrameError> {
    match executor_id.u64() {
        0 => Err(FrameError::InvalidExecutorId {}),
        id => Ok(id),
    }
}

/// `actionId` is exactly 32 bytes and not all zero.
pub fn validate_action_id(action_id: &HexBinary) -> Result<[u8; 32], FrameError> {
    let bytes: [u8; 32] = action_id
        .as_slice()
        .try_into()
        .map_err(|_| FrameError::InvalidActionId {})?;
    if bytes.iter().all(|b| *b == 0) {
        return Err(FrameError::InvalidActionId {});
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn action(byte: u8, len: usize) -> HexBinary {
        HexBinary::from(vec![byte; len])
    }

    #[test]
    fn executor_zero_is_rejected_before_action() {
        let err = Pair::validate(Uint64::zero(), &action(0, 3)).unwrap_err();
        assert_eq!(err, FrameError::InvalidExecutorId {});
    }

    #[test]
    fn action_must_be_32_nonzero_bytes() {
        for bad in [action(1, 31), action(1, 33), action(0, 32), action(1, 0)] {
            assert_eq!(
                Pair::validate(Uint64::new(1), &bad).unwrap_err(),
                FrameError::InvalidActionId {}
            );
        }
        let mut last_bit = [0u8; 32];
        last_bit[31] = 1;
        let pair = Pair::validate(Uint64::new(u64::MAX), &HexBinary::from(last_bit)).unwrap();
        assert_eq!(pair.executor_id, u64::MAX);
        assert_eq!(pair.action_hex(), format!("{}01", "00".repeat(31)));
    }
}
