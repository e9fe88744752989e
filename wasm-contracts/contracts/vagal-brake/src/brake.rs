//! The brake itself (spec/safety-core.md §3): schema validation, scaling, caps and the
//! canonical CBOR commitments.

use cosmwasm_std::{HexBinary, Uint64};
use vagus_cbor::{dual_hash, key_cmp, Encoder};

use crate::error::{ContractError, ACTION_NOT_CONFIGURED, BRAKE_CAP_EXCEEDED};
use crate::msg::{BrakeResult, ParamSpec};

/// Most parameters a schema may have.
pub const MAX_PARAMS: usize = 8;
/// Longest parameter name, in bytes.
pub const MAX_NAME_BYTES: usize = 16;
/// 100 % in basis points.
pub const FULL_FACTOR_BP: u16 = 10_000;

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Indices are < 8 once the count passed.
fn index(i: usize) -> u8 {
    u8::try_from(i).unwrap_or(u8::MAX)
}

/// `setActionSchema` checks after the actionId: count, then per index name then order.
pub fn validate_schema(params: &[ParamSpec]) -> Result<(), ContractError> {
    if params.is_empty() || params.len() > MAX_PARAMS {
        return Err(ContractError::InvalidParamCount {
            count: count(params.len()),
        });
    }
    for (i, p) in params.iter().enumerate() {
        if p.name.is_empty() || p.name.len() > MAX_NAME_BYTES {
            return Err(ContractError::InvalidParamName { index: index(i) });
        }
        if i > 0 && key_cmp(&params[i - 1].name, &p.name).is_ge() {
            return Err(ContractError::ParamOrder { index: index(i) });
        }
    }
    Ok(())
}

/// `floor(value × factor / 10000)`, exact: the product fits in 80 bits, so in u128.
pub fn scale(value: u64, factor_bp: u16) -> u64 {
    let scaled = u128::from(value) * u128::from(factor_bp) / u128::from(FULL_FACTOR_BP);
    // factor_bp <= 10000 (checked by the caller), so scaled <= value.
    u64::try_from(scaled).unwrap_or(u64::MAX)
}

/// The canonical CBOR map `{name_i: values[i]}` (schema order is canonical order).
pub fn encode_map(params: &[ParamSpec], values: &[u64]) -> Vec<u8> {
    let mut e = Encoder::with_capacity(8 + params.len() * 26);
    e.map(params.len());
    for (p, v) in params.iter().zip(values) {
        e.text(&p.name).uint(*v);
    }
    e.into_bytes()
}

fn zero_hash() -> HexBinary {
    HexBinary::from([0u8; 32])
}

fn denied(code: u16) -> BrakeResult {
    BrakeResult {
        code,
        scaled: vec![],
        params_sha256: zero_hash(),
        params_keccak256: zero_hash(),
        limits_sha256: zero_hash(),
        limits_keccak256: zero_hash(),
    }
}

/// The verdict for `values` under `schema` (after the query's own checks).
pub fn apply(schema: Option<&[ParamSpec]>, values: &[u64], factor_bp: u16) -> BrakeResult {
    let Some(params) = schema else {
        return denied(ACTION_NOT_CONFIGURED);
    };
    let mut scaled = Vec::with_capacity(params.len());
    for (p, v) in params.iter().zip(values) {
        let s = if p.brakeable {
            scale(*v, factor_bp)
        } else {
            *v
        };
        if s > p.cap.u64() {
            return denied(BRAKE_CAP_EXCEEDED);
        }
        scaled.push(s);
    }
    let input = dual_hash(&encode_map(params, values));
    let limits = dual_hash(&encode_map(params, &scaled));
    BrakeResult {
        code: 0,
        scaled: scaled.into_iter().map(Uint64::new).collect(),
        params_sha256: HexBinary::from(input.sha256),
        params_keccak256: HexBinary::from(input.keccak256),
        limits_sha256: HexBinary::from(limits.sha256),
        limits_keccak256: HexBinary::from(limits.keccak256),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(name: &str, brakeable: bool, cap: u64) -> ParamSpec {
        ParamSpec {
            name: name.into(),
            brakeable,
            cap: Uint64::new(cap),
        }
    }

    #[test]
    fn scaling_floors_in_wide_arithmetic() {
        assert_eq!(scale(999, 5000), 499);
        assert_eq!(scale(1, 9999), 0);
        // u64::MAX × 9999 overflows 64 bits; floor((2^64 − 1) × 9999 / 10000) computed by hand.
        assert_eq!(scale(u64::MAX, 9_999), 18_444_899_399_302_180_659);
        assert_eq!(scale(u64::MAX, 10_000), u64::MAX);
    }

    #[test]
    fn order_is_shorter_first_then_bytewise() {
        validate_schema(&[spec("z", true, 1), spec("aa", true, 1)]).unwrap();
        let err = validate_schema(&[spec("aa", true, 1), spec("z", true, 1)]).unwrap_err();
        assert_eq!(err, ContractError::ParamOrder { index: 1 });
        let err = validate_schema(&[spec("a", true, 1), spec("a", true, 1)]).unwrap_err();
        assert_eq!(err, ContractError::ParamOrder { index: 1 });
        // Name before order at the same index.
        let err = validate_schema(&[spec("b", true, 1), spec("", true, 1)]).unwrap_err();
        assert_eq!(err, ContractError::InvalidParamName { index: 1 });
    }

    #[test]
    fn map_encoding_is_canonical_cbor() {
        // {"a": 1, "bb": 500}: a2 61 61 01 62 62 62 19 01 f4
        let bytes = encode_map(&[spec("a", true, 9), spec("bb", false, 999)], &[1, 500]);
        assert_eq!(
            bytes,
            [0xa2, 0x61, 0x61, 0x01, 0x62, 0x62, 0x62, 0x19, 0x01, 0xf4]
        );
    }

    #[test]
    fn cap_applies_after_scaling() {
        let schema = [spec("force", true, 600)];
        assert_eq!(apply(Some(&schema), &[1000], 10_000).code, 6101);
        let ok = apply(Some(&schema), &[1000], 5_000);
        assert_eq!(ok.code, 0);
        assert_eq!(ok.scaled, vec![Uint64::new(500)]);
        assert_eq!(apply(None, &[1], 5_000).code, 6100);
    }
}
