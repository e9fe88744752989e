use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::encoder::{key_cmp, Encoder};
use crate::hash::{dual_hash, DualHash};
use crate::Error;

/// A value of the protocol's data model (spec/cbor.md). Maps keep their entries in any
/// order; [`Value::encode`] sorts them and rejects duplicate keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Uint(u64),
    /// The negative integer `-1 - n`.
    NegInt(u64),
    Bytes(Vec<u8>),
    Text(String),
    Bool(bool),
    Array(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    /// The integer `value`, if it is in −2^64 ..= 2^64 − 1.
    pub fn int(value: i128) -> Result<Self, Error> {
        if value >= 0 {
            u64::try_from(value).map(Value::Uint)
        } else {
            u64::try_from(-1 - value).map(Value::NegInt)
        }
        .map_err(|_| Error::IntegerOutOfRange)
    }

    /// A map from `(key, value)` entries in any order.
    pub fn map<K: ToString>(entries: impl IntoIterator<Item = (K, Value)>) -> Self {
        Value::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The canonical encoding.
    pub fn encode(&self) -> Result<Vec<u8>, Error> {
        let mut e = Encoder::new();
        self.encode_into(&mut e)?;
        Ok(e.into_bytes())
    }

    /// The canonical encoding and both hashes of it.
    pub fn commit(&self) -> Result<(Vec<u8>, DualHash), Error> {
        let cbor = self.encode()?;
        let hashes = dual_hash(&cbor);
        Ok((cbor, hashes))
    }

    /// Appends the canonical encoding to `e`.
    pub fn encode_into(&self, e: &mut Encoder) -> Result<(), Error> {
        match self {
            Value::Uint(v) => {
                e.uint(*v);
            }
            Value::NegInt(n) => {
                e.neg(*n);
            }
            Value::Bytes(b) => {
                e.bytes(b);
            }
            Value::Text(t) => {
                e.text(t);
            }
            Value::Bool(b) => {
                e.bool(*b);
            }
            Value::Array(items) => {
                e.array(items.len());
                for item in items {
                    item.encode_into(e)?;
                }
            }
            Value::Map(entries) => {
                let mut sorted: Vec<&(String, Value)> = entries.iter().collect();
                sorted.sort_by(|a, b| key_cmp(&a.0, &b.0));
                if let Some(w) = sorted
                    .windows(2)
                    .find(|w| key_cmp(&w[0].0, &w[1].0) == Ordering::Equal)
                {
                    return Err(Error::DuplicateKey(w[1].0.clone()));
                }
                e.map(sorted.len());
                for (key, item) in sorted {
                    e.text(key);
                    item.encode_into(e)?;
                }
            }
        }
        Ok(())
    }
}

impl From<u64> for Value {
    fn from(v: u64) -> Self {
        Value::Uint(v)
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Bool(v)
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}

impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Self {
        Value::Bytes(v.to_vec())
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Self {
        Value::Bytes(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn map_order_does_not_depend_on_entry_order() {
        let a = Value::map([
            ("b", Value::from(1)),
            ("a", 2.into()),
            ("aa", 3.into()),
            ("B", 4.into()),
        ]);
        let b = Value::map([
            ("aa", Value::from(3)),
            ("B", 4.into()),
            ("b", 1.into()),
            ("a", 2.into()),
        ]);
        assert_eq!(a.encode().unwrap(), b.encode().unwrap());
        assert_eq!(
            a.encode().unwrap(),
            vec![
                0xa4, 0x61, 0x42, 0x04, 0x61, 0x61, 0x02, 0x61, 0x62, 0x01, 0x62, 0x61, 0x61, 0x03
            ]
        );
    }

    #[test]
    fn duplicate_keys_are_rejected_even_when_nested() {
        let dup = Value::map([("k", Value::from(1)), ("k", Value::from(1))]);
        assert_eq!(dup.encode(), Err(Error::DuplicateKey("k".to_string())));
        let nested = Value::Array(vec![Value::map([("x", dup)])]);
        assert_eq!(nested.encode(), Err(Error::DuplicateKey("k".to_string())));
    }

    #[test]
    fn int_range() {
        assert_eq!(Value::int(-1), Ok(Value::NegInt(0)));
        assert_eq!(Value::int(-(1 << 64)), Ok(Value::NegInt(u64::MAX)));
        assert_eq!(Value::int(1 << 64), Err(Error::IntegerOutOfRange));
        assert_eq!(Value::int(-(1 << 64) - 1), Err(Error::IntegerOutOfRange));
    }
}
