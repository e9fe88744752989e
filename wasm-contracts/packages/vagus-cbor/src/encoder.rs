use alloc::vec::Vec;
use core::cmp::Ordering;

use crate::Error;

const MAJOR_UINT: u8 = 0;
const MAJOR_NINT: u8 = 1;
const MAJOR_BYTES: u8 = 2;
const MAJOR_TEXT: u8 = 3;
const MAJOR_ARRAY: u8 = 4;
const MAJOR_MAP: u8 = 5;
const FALSE: u8 = 0xf4;
const TRUE: u8 = 0xf5;

/// A writer of canonical CBOR items into a byte buffer.
///
/// Every head is shortest form and every length definite, so anything written is canonical
/// except map key order, which is the caller's: keys go in [`key_cmp`] order, each once.
/// Array and map headers announce how many items follow; the caller writes exactly that
/// many.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Encoder {
    buf: Vec<u8>,
}

impl Encoder {
    pub fn new() -> Self {
        Self::default()
    }

    /// An encoder whose buffer holds `capacity` bytes before it grows.
    pub fn with_capacity(capacity: usize) -> Self {
        Self {
            buf: Vec::with_capacity(capacity),
        }
    }

    /// Shortest-form head: major type in the top 3 bits, then the argument inline (< 24) or
    /// in 1, 2, 4 or 8 big-endian bytes.
    fn head(&mut self, major: u8, arg: u64) -> &mut Self {
        let top = major << 5;
        // Each arm's `as` is lossless: the arm's bound is the target type's maximum.
        if arg < 24 {
            self.buf.push(top | arg as u8);
        } else if arg <= u64::from(u8::MAX) {
            self.buf.extend_from_slice(&[top | 24, arg as u8]);
        } else if arg <= u64::from(u16::MAX) {
            self.buf.push(top | 25);
            self.buf.extend_from_slice(&(arg as u16).to_be_bytes());
        } else if arg <= u64::from(u32::MAX) {
            self.buf.push(top | 26);
            self.buf.extend_from_slice(&(arg as u32).to_be_bytes());
        } else {
            self.buf.push(top | 27);
            self.buf.extend_from_slice(&arg.to_be_bytes());
        }
        self
    }

    fn len_head(&mut self, major: u8, len: usize) -> &mut Self {
        // usize is at most 64 bits on every target Rust supports.
        self.head(major, len as u64)
    }

    /// An unsigned integer.
    pub fn uint(&mut self, value: u64) -> &mut Self {
        self.head(MAJOR_UINT, value)
    }

    /// The negative integer `-1 - n` (so `neg(0)` is −1 and `neg(u64::MAX)` is −2^64).
    pub fn neg(&mut self, n: u64) -> &mut Self {
        self.head(MAJOR_NINT, n)
    }

    /// Any integer in −2^64 ..= 2^64 − 1.
    pub fn int(&mut self, value: i128) -> Result<&mut Self, Error> {
        if value >= 0 {
            let v = u64::try_from(value).map_err(|_| Error::IntegerOutOfRange)?;
            Ok(self.uint(v))
        } else {
            let n = u64::try_from(-1 - value).map_err(|_| Error::IntegerOutOfRange)?;
            Ok(self.neg(n))
        }
    }

    /// A byte string.
    pub fn bytes(&mut self, value: &[u8]) -> &mut Self {
        self.len_head(MAJOR_BYTES, value.len());
        self.buf.extend_from_slice(value);
        self
    }

    /// A text string (its length is in UTF-8 bytes).
    pub fn text(&mut self, value: &str) -> &mut Self {
        self.len_head(MAJOR_TEXT, value.len());
        self.buf.extend_from_slice(value.as_bytes());
        self
    }

    /// `true` (`f5`) or `false` (`f4`).
    pub fn bool(&mut self, value: bool) -> &mut Self {
        self.buf.push(if value { TRUE } else { FALSE });
        self
    }

    /// The header of an array of `len` items; the items follow.
    pub fn array(&mut self, len: usize) -> &mut Self {
        self.len_head(MAJOR_ARRAY, len)
    }

    /// The header of a map of `len` entries; `len` (key, value) pairs follow, keys in
    /// canonical order.
    pub fn map(&mut self, len: usize) -> &mut Self {
        self.len_head(MAJOR_MAP, len)
    }

    /// Bytes that are already canonical CBOR (a precomputed fragment).
    pub fn raw(&mut self, cbor: &[u8]) -> &mut Self {
        self.buf.extend_from_slice(cbor);
        self
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    pub fn into_bytes(self) -> Vec<u8> {
        self.buf
    }
}

/// The canonical order of two text map keys: the bytewise order of their encodings
/// (RFC 8949 §4.2.1).
///
/// The encoding is a shortest-form head of major type 3 followed by the UTF-8 bytes, and
/// that head, compared bytewise, grows strictly with the length (`60`..`77`, then
/// `78 xx`, `79 xxxx`, …). So the bytewise order of encodings is: shorter UTF-8 first, then
/// bytewise — which this compares without encoding anything.
pub fn key_cmp(a: &str, b: &str) -> Ordering {
    a.len()
        .cmp(&b.len())
        .then_with(|| a.as_bytes().cmp(b.as_bytes()))
}

/// Whether `keys` are strictly increasing in canonical order (sorted, no duplicates): the
/// test of a hand-ordered map written with [`Encoder`].
pub fn is_canonical_key_order(keys: &[&str]) -> bool {
    keys.windows(2)
        .all(|w| key_cmp(w[0], w[1]) == Ordering::Less)
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn hex(bytes: &[u8]) -> alloc::string::String {
        bytes.iter().map(|b| alloc::format!("{b:02x}")).collect()
    }

    #[test]
    fn length_heads_reach_four_and_eight_bytes() {
        let mut e = Encoder::new();
        e.bytes(&vec![0u8; 65536]);
        assert_eq!(hex(&e.as_bytes()[..5]), "5a00010000");
        assert_eq!(e.as_bytes().len(), 65536 + 5);
        let mut e = Encoder::new();
        e.array(1 << 32);
        assert_eq!(hex(e.as_bytes()), "9b0000000100000000");
        let mut e = Encoder::new();
        e.map(65535);
        assert_eq!(hex(e.as_bytes()), "b9ffff");
    }

    #[test]
    fn int_covers_both_ends_and_rejects_beyond() {
        let mut e = Encoder::new();
        e.int(i128::from(u64::MAX)).unwrap();
        e.int(-(1i128 << 64)).unwrap();
        e.int(-1).unwrap();
        assert_eq!(hex(e.as_bytes()), "1bffffffffffffffff3bffffffffffffffff20");
        assert_eq!(
            e.clone().int(1i128 << 64).unwrap_err(),
            Error::IntegerOutOfRange
        );
        assert_eq!(
            e.clone().int(-(1i128 << 64) - 1).unwrap_err(),
            Error::IntegerOutOfRange
        );
        assert_eq!(
            e.clone().int(i128::MIN).unwrap_err(),
            Error::IntegerOutOfRange
        );
    }

    #[test]
    fn key_cmp_is_the_bytewise_order_of_encoded_keys() {
        let keys = [
            "",
            "a",
            "B",
            "z",
            "é",
            "aa",
            "ab",
            "zz",
            "aaa",
            "10",
            "9",
            "€",
            "😀",
            "abcdefghijklmnopqrstuvw",
            "abcdefghijklmnopqrstuvwx",
        ];
        for a in keys {
            for b in keys {
                let ea = Encoder::new().text(a).clone().into_bytes();
                let eb = Encoder::new().text(b).clone().into_bytes();
                assert_eq!(key_cmp(a, b), ea.cmp(&eb), "{a:?} vs {b:?}");
            }
        }
        let long_a = "a".repeat(300);
        let long_b = "b".repeat(256);
        let ea = Encoder::new().text(&long_a).clone().into_bytes();
        let eb = Encoder::new().text(&long_b).clone().into_bytes();
        assert_eq!(key_cmp(&long_a, &long_b), ea.cmp(&eb));
    }

    #[test]
    fn canonical_key_order_check() {
        assert!(is_canonical_key_order(&[
            "root",
            "offset",
            "tonePpm",
            "executorId"
        ]));
        assert!(is_canonical_key_order(&["B", "a", "b", "aa"]));
        assert!(!is_canonical_key_order(&["a", "B"]));
        assert!(!is_canonical_key_order(&["a", "a"]));
        assert!(is_canonical_key_order(&[]));
    }
}
