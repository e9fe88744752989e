//! Canonical CBOR (RFC 8949 §4.2.1 core deterministic encoding) of the Vagus data model, and
//! the dual hashes every commitment carries: sha256 and Ethereum keccak-256.
//!
//! `spec/cbor.md` is the contract. The TypeScript toolkit (`src/cbor`) and the Solidity
//! library (`contracts/libraries/CanonicalCbor.sol`) produce the same bytes; all three are
//! tested against `spec/vectors/cbor/golden.json`.
//!
//! Two ways to encode:
//!
//! - [`Value`]: a tree of typed values whose maps are sorted (and checked for duplicate
//!   keys) when encoded. Use it when the keys are not fixed.
//! - [`Encoder`]: a writer of heads and items, for contracts that encode typed fields with
//!   fixed keys. The writer does not sort: write keys in canonical order, and pin that order
//!   in a test with [`is_canonical_key_order`].
#![no_std]

extern crate alloc;

mod encoder;
mod hash;
mod value;

pub use encoder::{is_canonical_key_order, key_cmp, Encoder};
pub use hash::{dual_hash, keccak256, sha256, DualHash};
pub use value::Value;

/// Why a value has no canonical encoding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// An integer outside −2^64 ..= 2^64 − 1.
    IntegerOutOfRange,
    /// The key appears twice in one map.
    DuplicateKey(alloc::string::String),
}

impl core::fmt::Display for Error {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            Error::IntegerOutOfRange => {
                f.write_str("cbor IntegerOutOfRange: outside -2^64 ..= 2^64-1")
            }
            Error::DuplicateKey(key) => {
                write!(f, "cbor DuplicateKey: {key:?} appears twice in one map")
            }
        }
    }
}

impl core::error::Error for Error {}
