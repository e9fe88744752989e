//! Addresses: bech32 with a configurable prefix, contract addresses derived like wasmd's
//! classic (`MsgInstantiateContract`) addresses, and the Api the VM calls.
//!
//! - **Contract address** = wasmd `BuildContractAddressClassic(codeID, instanceID)`: the
//!   Cosmos SDK module address `sha256(sha256("module") || "wasm" || 0x00 || codeID_be8 ||
//!   instanceID_be8)` (32 bytes), where the instance id is a global sequence starting at 1
//!   that every instantiation (of any code) increments. So the first contract of code 1 on
//!   a fresh engine is `wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d`,
//!   exactly as on a fresh wasmd chain, and a scenario instantiating the same codes in the
//!   same order gets the same addresses on both.
//! - **Account address** (`addr_make`) = cosmwasm-std `MockApi::addr_make`:
//!   `bech32(prefix, sha256(name))`.
//! - **Api** (`addr_validate`, `addr_canonicalize`, `addr_humanize`) = cosmwasm-std /
//!   cosmwasm-vm `MockApi` bech32 semantics and error texts: the prefix is compared
//!   case-insensitively, canonical addresses are 1..=255 bytes, and a valid address must be
//!   in its normalized (lower-case) form.

use std::sync::Arc;

use bech32::primitives::decode::CheckedHrpstring;
use bech32::{Bech32, Hrp};
use cosmwasm_vm::{BackendApi, BackendError, BackendResult, GasInfo};
use sha2::{Digest, Sha256};

use crate::gas::{CANONICALIZE_COST, HUMANIZE_COST};

/// The wasm module name wasmd derives contract addresses from.
const WASM_MODULE: &[u8] = b"wasm";

/// wasmd `BuildContractAddressClassic`: the 32-byte canonical address.
pub fn classic_contract_address(code_id: u64, instance_id: u64) -> [u8; 32] {
    let type_hash = Sha256::digest(b"module");
    let mut h = Sha256::new();
    h.update(type_hash);
    h.update(WASM_MODULE);
    h.update([0u8]);
    h.update(code_id.to_be_bytes());
    h.update(instance_id.to_be_bytes());
    h.finalize().into()
}

/// The bech32 Api of one prefix.
#[derive(Clone, Debug)]
pub struct EngineApi {
    prefix: Arc<str>,
}

fn user_err(msg: &str) -> BackendError {
    BackendError::user_err(msg)
}

impl EngineApi {
    /// Fails when `prefix` is not a valid bech32 human-readable part.
    pub fn new(prefix: &str) -> anyhow::Result<Self> {
        Hrp::parse(prefix).map_err(|e| anyhow::anyhow!("invalid bech32 prefix {prefix:?}: {e}"))?;
        Ok(EngineApi {
            prefix: Arc::from(prefix),
        })
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// `MockApi::addr_make`: `bech32(prefix, sha256(name))`.
    pub fn addr_make(&self, name: &str) -> String {
        self.humanize(&Sha256::digest(name.as_bytes()))
            .expect("a 32-byte address always encodes")
    }

    pub fn canonicalize(&self, human: &str) -> Result<Vec<u8>, BackendError> {
        let parsed = CheckedHrpstring::new::<Bech32>(human)
            .map_err(|_| user_err("Error decoding bech32"))?;
        if !parsed
            .hrp()
            .as_bytes()
            .eq_ignore_ascii_case(self.prefix.as_bytes())
        {
            return Err(user_err("Wrong bech32 prefix"));
        }
        let bytes: Vec<u8> = parsed.byte_iter().collect();
        validate_length(&bytes)?;
        Ok(bytes)
    }

    pub fn humanize(&self, canonical: &[u8]) -> Result<String, BackendError> {
        validate_length(canonical)?;
        let hrp = Hrp::parse(&self.prefix).map_err(|_| user_err("Invalid bech32 prefix"))?;
        bech32::encode::<Bech32>(hrp, canonical)
            .map_err(|_| user_err("Invalid data to be encoded to bech32"))
    }

    /// Canonicalize, humanize and require the input to be the normalized form.
    pub fn validate(&self, human: &str) -> Result<Vec<u8>, BackendError> {
        let canonical = self.canonicalize(human)?;
        let normalized = self.humanize(&canonical)?;
        if normalized != human {
            return Err(user_err("Invalid input: address not normalized"));
        }
        Ok(canonical)
    }
}

fn validate_length(bytes: &[u8]) -> Result<(), BackendError> {
    match bytes.len() {
        1..=255 => Ok(()),
        _ => Err(user_err("Invalid canonical address length")),
    }
}

impl BackendApi for EngineApi {
    fn addr_validate(&self, input: &str) -> BackendResult<()> {
        let gas = GasInfo::with_cost(CANONICALIZE_COST + HUMANIZE_COST);
        (self.validate(input).map(|_| ()), gas)
    }

    fn addr_canonicalize(&self, human: &str) -> BackendResult<Vec<u8>> {
        (
            self.canonicalize(human),
            GasInfo::with_cost(CANONICALIZE_COST),
        )
    }

    fn addr_humanize(&self, canonical: &[u8]) -> BackendResult<String> {
        (self.humanize(canonical), GasInfo::with_cost(HUMANIZE_COST))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_contract_of_code_one_has_wasmds_well_known_address() {
        let api = EngineApi::new("wasm").unwrap();
        assert_eq!(
            api.humanize(&classic_contract_address(1, 1)).unwrap(),
            "wasm14hj2tavq8fpesdwxxcu44rty3hh90vhujrvcmstl4zr3txmfvw9s0phg4d"
        );
    }

    #[test]
    fn addr_make_matches_cosmwasm_std_mock_api() {
        // cosmwasm-std MockApi docs: addr_make("creator") with the default prefix.
        let api = EngineApi::new("cosmwasm").unwrap();
        assert_eq!(
            api.addr_make("creator"),
            "cosmwasm1h34lmpywh4upnjdg90cjf4j70aee6z8qqfspugamjp42e4q28kqs8s7vcp"
        );
        let juno = EngineApi::new("juno").unwrap();
        assert_eq!(
            juno.addr_make("creator"),
            "juno1h34lmpywh4upnjdg90cjf4j70aee6z8qqfspugamjp42e4q28kqsksmtyp"
        );
    }

    #[test]
    fn validation_follows_mock_api_semantics() {
        let api = EngineApi::new("wasm").unwrap();
        let a = api.addr_make("alice");
        assert!(api.validate(&a).is_ok());
        let upper = a.to_ascii_uppercase();
        assert_eq!(
            api.validate(&upper).unwrap_err().to_string(),
            user_err("Invalid input: address not normalized").to_string()
        );
        assert!(api.canonicalize(&upper).is_ok());
        let other = EngineApi::new("cosmos").unwrap().addr_make("alice");
        assert_eq!(
            api.validate(&other).unwrap_err().to_string(),
            user_err("Wrong bech32 prefix").to_string()
        );
        assert_eq!(
            api.validate("alice").unwrap_err().to_string(),
            user_err("Error decoding bech32").to_string()
        );
        assert!(api.humanize(&[]).is_err());
    }
}
