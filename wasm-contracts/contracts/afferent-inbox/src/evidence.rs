//! The canonical CBOR of one evidence post (spec/safety-core.md §2.2): a map of seven
//! entries written with fixed keys in canonical order.

use vagus_cbor::{dual_hash, DualHash, Encoder};

use crate::msg::Metrics;

/// The seven keys in canonical order (shorter first, then bytewise).
pub const KEYS: [&str; 7] = [
    "riskPpm",
    "sequence",
    "stateRoot",
    "executorId",
    "forceMilliN",
    "velocityMilliMps",
    "temperatureMilliC",
];

/// The canonical CBOR bytes.
pub fn encode(executor_id: u64, state_root: &[u8], m: &Metrics) -> Vec<u8> {
    let mut e = Encoder::with_capacity(160);
    e.map(KEYS.len());
    e.text(KEYS[0]).uint(u64::from(m.risk_ppm));
    e.text(KEYS[1]).uint(m.sequence.u64());
    e.text(KEYS[2]).bytes(state_root);
    e.text(KEYS[3]).uint(executor_id);
    e.text(KEYS[4]).uint(m.force_milli_n.u64());
    e.text(KEYS[5]).uint(m.velocity_milli_mps.u64());
    let t = m.temperature_milli_c.i64();
    if t >= 0 {
        e.text(KEYS[6]).uint(t.unsigned_abs());
    } else {
        // -1 - n = t  ⇔  n = |t| - 1, exact for i64::MIN too.
        e.text(KEYS[6]).neg(t.unsigned_abs() - 1);
    }
    e.into_bytes()
}

/// The bytes and both hashes.
pub fn commit(executor_id: u64, state_root: &[u8], m: &Metrics) -> (Vec<u8>, DualHash) {
    let bytes = encode(executor_id, state_root, m);
    let hash = dual_hash(&bytes);
    (bytes, hash)
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{Int64, Uint64};

    #[test]
    fn keys_are_in_canonical_order() {
        assert!(vagus_cbor::is_canonical_key_order(&KEYS));
    }

    #[test]
    fn negative_temperature_is_a_cbor_negative_integer() {
        let m = Metrics {
            sequence: Uint64::new(1),
            risk_ppm: 0,
            force_milli_n: Uint64::zero(),
            velocity_milli_mps: Uint64::zero(),
            temperature_milli_c: Int64::new(-500),
        };
        let bytes = encode(1, &[7u8; 32], &m);
        // ... 71 "temperatureMilliC" 39 01 f3  (-1 - 499 = -500)
        assert_eq!(&bytes[bytes.len() - 3..], &[0x39, 0x01, 0xf3]);
        assert_eq!(bytes[0], 0xa7, "a map of seven entries");
        let m = Metrics {
            temperature_milli_c: Int64::new(i64::MIN),
            ..m
        };
        let bytes = encode(1, &[7u8; 32], &m);
        assert_eq!(
            &bytes[bytes.len() - 9..],
            &[0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
    }
}
