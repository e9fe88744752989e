//! Storage layout. Roles and the pause flag live in `vagus_common` under `vagus_*` keys.

use cosmwasm_std::{Empty, StdError, StdResult, Storage};
use cw_storage_plus::{Item, Map};

use crate::msg::{Config, RaiseBounds};
use crate::raise::Raise;
use crate::window::Ring;

/// The configuration of every pair without an override.
pub const DEFAULT_CONFIG: Item<Config> = Item::new("default_config");

/// Per-pair overrides, keyed by `(executorId, actionId bytes)`.
pub const PAIR_CONFIGS: Map<(u64, &[u8]), Config> = Map::new("pair_configs");

/// Per-pair temporary raises (spec/rate-limiter.md "Temporary capacity raise"), apart from
/// `PAIRS` so the usage record's encoding is unchanged; an expired one is inert.
pub const RAISES: Map<(u64, &[u8]), Raise> = Map::new("raises");

/// How far guardians may raise; absent = `{0, 0}` (guardians cannot raise).
pub const RAISE_BOUNDS: Item<RaiseBounds> = Item::new("raise_bounds");

/// Per-pair usage: one record, so a `consume` is one read and one write. Stored in the
/// fixed-width binary form of [`PairUsage::to_bytes`], not JSON, so its size (and the
/// storage gas of a `consume`) depends only on K, never on the counters' values.
pub const PAIRS: PairStore = PairStore(Map::new("pairs"));

/// The `PAIRS` store: cw-storage-plus keys (`Map<(u64, &[u8]), _>` derivation, so the
/// layout of the keys is unchanged), binary values.
pub struct PairStore(Map<(u64, &'static [u8]), Empty>);

impl PairStore {
    pub fn may_load(
        &self,
        storage: &dyn Storage,
        key: (u64, &[u8]),
    ) -> StdResult<Option<PairUsage>> {
        storage
            .get(&self.0.key(key))
            .map(|bytes| PairUsage::from_bytes(&bytes))
            .transpose()
    }

    pub fn save(&self, storage: &mut dyn Storage, key: (u64, &[u8]), usage: &PairUsage) {
        storage.set(&self.0.key(key), &usage.to_bytes());
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairUsage {
    /// Every `consume` that passed the frame checks; never reset.
    pub requests: u64,
    /// Every `RateLimited` denial; never reset.
    pub rejections: u64,
    /// The window; `None` until the first admission.
    pub ring: Option<Ring>,
}

/// Encoding of [`PairUsage`], all integers big-endian:
///
/// | bytes  | field                                           |
/// |--------|-------------------------------------------------|
/// | 1      | version, [`PairUsage::VERSION`]                 |
/// | 8      | `requests` (u64)                                |
/// | 8      | `rejections` (u64)                              |
/// | 4      | `ring.window` (u32)                             |
/// | 1      | `ring.buckets` = K (u8)                         |
/// | 8      | `ring.head` (u64)                               |
/// | 4 · K  | `ring.counts` (u32 each)                        |
///
/// No ring is K = 0 with window and head 0 (a ring always has K ≥ 1). A record is
/// `30 + 4·K` bytes whatever its values; anything else is refused.
impl PairUsage {
    /// Version byte of the encoding (a JSON record, from `{`, is refused by it).
    pub const VERSION: u8 = 1;
    /// Bytes before the counts.
    pub const HEADER_LEN: usize = 1 + 8 + 8 + 4 + 1 + 8;

    /// The size of a record whose ring has `buckets` sub-buckets (0: no ring).
    pub const fn encoded_len(buckets: u8) -> usize {
        Self::HEADER_LEN + 4 * buckets as usize
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let (window, buckets, head, counts): (u32, u8, u64, &[u32]) = match &self.ring {
            Some(r) => (r.window, r.buckets, r.head, &r.counts),
            None => (0, 0, 0, &[]),
        };
        debug_assert_eq!(
            counts.len(),
            usize::from(buckets),
            "ring counts out of shape"
        );
        let mut out = Vec::with_capacity(Self::encoded_len(buckets));
        out.push(Self::VERSION);
        out.extend_from_slice(&self.requests.to_be_bytes());
        out.extend_from_slice(&self.rejections.to_be_bytes());
        out.extend_from_slice(&window.to_be_bytes());
        out.push(buckets);
        out.extend_from_slice(&head.to_be_bytes());
        // Exactly K counts, whatever `counts` holds, so the size never depends on it.
        let padded = counts.iter().copied().chain(std::iter::repeat(0));
        for n in padded.take(usize::from(buckets)) {
            out.extend_from_slice(&n.to_be_bytes());
        }
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> StdResult<Self> {
        let err = |msg: &str| StdError::parse_err("PairUsage", msg);
        let header = bytes
            .get(..Self::HEADER_LEN)
            .ok_or_else(|| err("record shorter than its header"))?;
        if header[0] != Self::VERSION {
            return Err(err("unknown record version"));
        }
        let mut r = Reader(&header[1..]);
        let requests = u64::from_be_bytes(r.take());
        let rejections = u64::from_be_bytes(r.take());
        let window = u32::from_be_bytes(r.take());
        let [buckets] = r.take();
        let head = u64::from_be_bytes(r.take());
        if bytes.len() != Self::encoded_len(buckets) {
            return Err(err("record length does not match its bucket count"));
        }
        let ring = if buckets == 0 {
            if window != 0 || head != 0 {
                return Err(err("record without a ring has a window or head"));
            }
            None
        } else {
            let counts = bytes[Self::HEADER_LEN..]
                .chunks_exact(4)
                .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect();
            Some(Ring {
                window,
                buckets,
                head,
                counts,
            })
        };
        Ok(PairUsage {
            requests,
            rejections,
            ring,
        })
    }
}

/// Reads fixed-size arrays off a slice whose length the caller has checked.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> [u8; N] {
        let (head, rest) = self.0.split_at(N);
        self.0 = rest;
        let mut out = [0; N];
        out.copy_from_slice(head);
        out
    }
}

#[cfg(test)]
mod tests {
    use cosmwasm_std::testing::MockStorage;

    use super::*;

    fn ring(buckets: u8, head: u64, fill: u32) -> Ring {
        Ring {
            window: 3600,
            buckets,
            head,
            counts: (0..u32::from(buckets))
                .map(|i| fill.wrapping_add(i))
                .collect(),
        }
    }

    fn usage(requests: u64, rejections: u64, ring: Option<Ring>) -> PairUsage {
        PairUsage {
            requests,
            rejections,
            ring,
        }
    }

    #[test]
    fn round_trips() {
        for u in [
            PairUsage::default(),
            usage(1, 0, Some(ring(1, 0, 1))),
            usage(10_001, 7, Some(ring(6, 555_120, 9_999))),
            usage(u64::MAX, u64::MAX, Some(ring(64, u64::MAX, u32::MAX - 63))),
            usage(u64::MAX, 0, None),
        ] {
            let bytes = u.to_bytes();
            assert_eq!(PairUsage::from_bytes(&bytes).unwrap(), u);
        }
    }

    #[test]
    fn layout_is_big_endian_fixed_width() {
        let u = usage(0x0102, 0x03, Some(ring(2, 0x0a0b, 0x0c)));
        let mut expected = vec![PairUsage::VERSION];
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0x01, 0x02]);
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0x03]);
        expected.extend_from_slice(&[0, 0, 0x0e, 0x10]); // window 3600
        expected.push(2);
        expected.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0x0a, 0x0b]);
        expected.extend_from_slice(&[0, 0, 0, 0x0c, 0, 0, 0, 0x0d]);
        assert_eq!(u.to_bytes(), expected);
    }

    #[test]
    fn size_depends_only_on_k() {
        for k in [1u8, 6, 64] {
            let len = PairUsage::encoded_len(k);
            assert_eq!(len, 30 + 4 * usize::from(k));
            for u in [
                usage(0, 0, Some(ring(k, 0, 0))),
                usage(1, 0, Some(ring(k, 1, 1))),
                usage(10_000, 9_999, Some(ring(k, 555_120, 10_000))),
                usage(u64::MAX, u64::MAX, Some(ring(k, u64::MAX, u32::MAX - 64))),
            ] {
                assert_eq!(u.to_bytes().len(), len, "{u:?}");
            }
        }
        assert_eq!(PairUsage::default().to_bytes().len(), PairUsage::HEADER_LEN);
    }

    #[test]
    fn malformed_bytes_are_errors_not_panics() {
        let good = usage(5, 1, Some(ring(6, 42, 3))).to_bytes();
        // Every truncation and every extension by one byte.
        for n in 0..good.len() {
            assert!(
                PairUsage::from_bytes(&good[..n]).is_err(),
                "truncated to {n}"
            );
        }
        let mut long = good.clone();
        long.push(0);
        assert!(PairUsage::from_bytes(&long).is_err());
        // Wrong version, a legacy JSON record, a bucket count that disagrees with the length.
        let mut bad = good.clone();
        bad[0] = 2;
        assert!(PairUsage::from_bytes(&bad).is_err());
        assert!(PairUsage::from_bytes(br#"{"requests":1,"rejections":0,"ring":null}"#).is_err());
        let mut bad = good.clone();
        bad[21] = 7; // buckets
        assert!(PairUsage::from_bytes(&bad).is_err());
        // No ring (K = 0) with a window or a head set.
        let mut bad = PairUsage::default().to_bytes();
        bad[20] = 1; // window low byte
        assert!(PairUsage::from_bytes(&bad).is_err());
        let mut bad = PairUsage::default().to_bytes();
        bad[29] = 1; // head low byte
        assert!(PairUsage::from_bytes(&bad).is_err());
        // Arbitrary lengths and contents never panic.
        for len in 0..=PairUsage::encoded_len(255) + 1 {
            let junk: Vec<u8> = (0..len).map(|i| (i * 37 % 256) as u8).collect();
            let _ = PairUsage::from_bytes(&junk);
        }
        let err = PairUsage::from_bytes(&[]).unwrap_err();
        assert!(matches!(err, StdError::ParseErr { .. }), "{err}");
    }

    #[test]
    fn store_uses_the_cw_storage_plus_key_and_binary_values() {
        let mut storage = MockStorage::new();
        let action = [0xab; 32];
        assert_eq!(PAIRS.may_load(&storage, (7, &action)).unwrap(), None);
        let u = usage(3, 1, Some(ring(6, 9, 2)));
        PAIRS.save(&mut storage, (7, &action), &u);
        assert_eq!(
            PAIRS.may_load(&storage, (7, &action)).unwrap(),
            Some(u.clone())
        );
        // Key: length-prefixed namespace, length-prefixed executor id, then the action bytes.
        let mut key = vec![0, 5];
        key.extend_from_slice(b"pairs");
        key.extend_from_slice(&[0, 8]);
        key.extend_from_slice(&7u64.to_be_bytes());
        key.extend_from_slice(&action);
        assert_eq!(storage.get(&key), Some(u.to_bytes()));
        // A corrupt stored record is an error, not a panic.
        storage.set(&key, b"\x01garbage");
        assert!(PAIRS.may_load(&storage, (7, &action)).is_err());
    }
}
