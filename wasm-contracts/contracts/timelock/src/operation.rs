//! Operation ids and calls (spec/timelock.md "Operation id").
//!
//! An id is `sha256` of the canonical CBOR (spec/cbor.md) of the operation: for a single
//! call `{"call": C, "predecessor": bytes32, "salt": bytes32}`, for a batch
//! `{"calls": [C, ...], "predecessor": bytes32, "salt": bytes32}`, where a call `C` is
//!
//! - `{"kind": "execute", "contract": text, "msg": bytes, "funds": [[denom, amount], ...]}`
//! - `{"kind": "migrate", "contract": text, "code_id": uint, "msg": bytes}`
//! - `{"kind": "bank_send", "to": text, "amount": [[denom, amount], ...]}`
//!
//! with coin amounts as decimal text (they are 128-bit; CBOR integers stop at 64) and
//! `msg` the exact bytes the call will send. The keys make a single call and a batch of
//! one different operations, as OpenZeppelin's `hashOperation` and `hashOperationBatch`.

use cosmwasm_std::{BankMsg, Coin, CosmosMsg, Deps, HexBinary, SubMsg, WasmMsg};
use vagus_cbor::Value;
use vagus_common::roles::validate_address;

use crate::error::ContractError;
use crate::msg::Call;

/// A validated 32-byte argument.
pub type Bytes32 = [u8; 32];

/// `value` as 32 bytes, else `TimelockInvalidBytes32 { field }`.
pub fn bytes32(value: &HexBinary, field: &str) -> Result<Bytes32, ContractError> {
    value
        .to_array::<32>()
        .map_err(|_| ContractError::TimelockInvalidBytes32 {
            field: field.to_string(),
        })
}

fn coins(coins: &[Coin]) -> Value {
    Value::Array(
        coins
            .iter()
            .map(|c| {
                Value::Array(vec![
                    Value::Text(c.denom.clone()),
                    Value::Text(c.amount.to_string()),
                ])
            })
            .collect(),
    )
}

/// The canonical data-model value of one call.
pub fn call_value(call: &Call) -> Value {
    match call {
        Call::Execute {
            contract_addr,
            msg,
            funds,
        } => Value::map([
            ("kind", Value::Text("execute".into())),
            ("contract", Value::Text(contract_addr.clone())),
            ("msg", Value::Bytes(msg.to_vec())),
            ("funds", coins(funds)),
        ]),
        Call::Migrate {
            contract_addr,
            new_code_id,
            msg,
        } => Value::map([
            ("kind", Value::Text("migrate".into())),
            ("contract", Value::Text(contract_addr.clone())),
            ("code_id", Value::Uint(*new_code_id)),
            ("msg", Value::Bytes(msg.to_vec())),
        ]),
        Call::BankSend { to_address, amount } => Value::map([
            ("kind", Value::Text("bank_send".into())),
            ("to", Value::Text(to_address.clone())),
            ("amount", coins(amount)),
        ]),
    }
}

fn id_of(body: (&str, Value), predecessor: &Bytes32, salt: &Bytes32) -> Bytes32 {
    let value = Value::map([
        body,
        ("predecessor", Value::Bytes(predecessor.to_vec())),
        ("salt", Value::Bytes(salt.to_vec())),
    ]);
    // Keys are fixed and distinct, integers are u64: the encoding cannot fail.
    let cbor = value.encode().expect("operation encodes");
    vagus_cbor::sha256(&cbor)
}

/// `hashOperation`: the id of a single-call operation.
pub fn hash_operation(call: &Call, predecessor: &Bytes32, salt: &Bytes32) -> Bytes32 {
    id_of(("call", call_value(call)), predecessor, salt)
}

/// `hashOperationBatch`: the id of a batch.
pub fn hash_operation_batch(calls: &[Call], predecessor: &Bytes32, salt: &Bytes32) -> Bytes32 {
    let calls = Value::Array(calls.iter().map(call_value).collect());
    id_of(("calls", calls), predecessor, salt)
}

/// The address a call goes to (`target` of the events).
pub fn target(call: &Call) -> &str {
    match call {
        Call::Execute { contract_addr, .. } | Call::Migrate { contract_addr, .. } => contract_addr,
        Call::BankSend { to_address, .. } => to_address,
    }
}

/// Schedule-time check: every call's address is a valid bech32 address of this chain
/// (`InvalidAddress`), so a scheduled operation can only fail for what its callee says.
pub fn validate_calls(deps: Deps, calls: &[Call]) -> Result<(), ContractError> {
    for call in calls {
        validate_address(deps, target(call))?;
    }
    Ok(())
}

/// The sub-message of a call. `ReplyOn::Never`: a failing call fails the whole execute,
/// and its error (with the callee's code) is the transaction's error.
pub fn sub_msg(call: &Call) -> SubMsg {
    let msg: CosmosMsg = match call.clone() {
        Call::Execute {
            contract_addr,
            msg,
            funds,
        } => WasmMsg::Execute {
            contract_addr,
            msg,
            funds,
        }
        .into(),
        Call::Migrate {
            contract_addr,
            new_code_id,
            msg,
        } => WasmMsg::Migrate {
            contract_addr,
            new_code_id,
            msg,
        }
        .into(),
        Call::BankSend { to_address, amount } => BankMsg::Send { to_address, amount }.into(),
    };
    SubMsg::new(msg)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{coin, Binary};

    /// The encoding written out by hand from the rules above (RFC 8949 §4.2.1: keys sorted
    /// by their encoded bytes, so shorter keys first).
    #[test]
    fn single_call_id_is_sha256_of_the_hand_written_cbor() {
        let call = Call::Migrate {
            contract_addr: "ab".into(),
            new_code_id: 7,
            msg: Binary::from(b"{}".to_vec()),
        };
        let pred = [0u8; 32];
        let salt = [1u8; 32];
        let mut cbor = vec![0xa3]; // map(3): "call" < "salt" < "predecessor"
        cbor.extend([0x64, b'c', b'a', b'l', b'l']);
        // call: map(4) keys "msg" < "kind" < "code_id" < "contract"
        cbor.push(0xa4);
        cbor.extend([0x63, b'm', b's', b'g', 0x42, b'{', b'}']);
        cbor.extend([0x64, b'k', b'i', b'n', b'd', 0x67]);
        cbor.extend(b"migrate");
        cbor.extend([0x67]);
        cbor.extend(b"code_id");
        cbor.push(0x07);
        cbor.extend([0x68]);
        cbor.extend(b"contract");
        cbor.extend([0x62, b'a', b'b']);
        cbor.extend([0x64, b's', b'a', b'l', b't', 0x58, 0x20]);
        cbor.extend([1u8; 32]);
        cbor.push(0x6b);
        cbor.extend(b"predecessor");
        cbor.extend([0x58, 0x20]);
        cbor.extend([0u8; 32]);
        assert_eq!(
            hash_operation(&call, &pred, &salt),
            vagus_cbor::sha256(&cbor)
        );
    }

    #[test]
    fn batch_of_one_differs_from_single_and_salt_matters() {
        let call = Call::BankSend {
            to_address: "x".into(),
            amount: vec![coin(5, "uvag")],
        };
        let z = [0u8; 32];
        let single = hash_operation(&call, &z, &z);
        let batch = hash_operation_batch(std::slice::from_ref(&call), &z, &z);
        assert_ne!(single, batch);
        assert_ne!(single, hash_operation(&call, &z, &[1u8; 32]));
        assert_eq!(single, hash_operation(&call.clone(), &z, &z));
    }

    #[test]
    fn bytes32_rejects_other_lengths() {
        let err = bytes32(&HexBinary::from(vec![0u8; 31]), "salt").unwrap_err();
        assert_eq!(err.code(), 9007);
        assert_eq!(
            bytes32(&HexBinary::from([2u8; 32]), "salt").unwrap(),
            [2u8; 32]
        );
    }
}
