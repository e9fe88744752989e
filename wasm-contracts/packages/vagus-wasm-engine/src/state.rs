//! The engine's chain state: one ordered key-value store with nested write layers.
//!
//! Everything a transaction may change lives in the store, laid out like wasmd's
//! (`0x02 | contract` → contract info, `0x03 | contract | key` → contract storage,
//! `0x04` → last instance id), so one mechanism makes all of it atomic: a transaction pushes
//! a layer, every sub-message pushes another one on top, a success folds a layer into the
//! one below and a failure drops it. Reads look through the layers top-down. The committed
//! map sits behind an `Arc`, so a snapshot is a pointer copy and the first write after it
//! copies the map once.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::Arc;

use cosmwasm_std::{Checksum, Order};
use serde::{Deserialize, Serialize};

use crate::gas::{GasMeter, GasTally};

pub type Kv = BTreeMap<Vec<u8>, Vec<u8>>;
type Layer = BTreeMap<Vec<u8>, Option<Vec<u8>>>;

/// Key prefix of a contract's info (wasmd `ContractKeyPrefix`).
pub const CONTRACT_INFO_PREFIX: u8 = 0x02;
/// Key prefix of a contract's storage (wasmd `ContractStorePrefix`).
pub const CONTRACT_STORE_PREFIX: u8 = 0x03;
/// Key of the last instance id sequence (wasmd `KeySequenceInstanceID`, 0x04 | "lastContractId").
pub const INSTANCE_SEQUENCE_KEY: &[u8] = b"\x04lastContractId";

/// The committed store plus the open write layers of the running transaction.
#[derive(Clone, Default)]
pub struct LayeredKv {
    committed: Arc<Kv>,
    layers: Vec<Layer>,
}

impl LayeredKv {
    pub fn get(&self, key: &[u8]) -> Option<&[u8]> {
        for layer in self.layers.iter().rev() {
            if let Some(v) = layer.get(key) {
                return v.as_deref();
            }
        }
        self.committed.get(key).map(Vec::as_slice)
    }

    pub fn set(&mut self, key: Vec<u8>, value: Vec<u8>) {
        match self.layers.last_mut() {
            Some(top) => {
                top.insert(key, Some(value));
            }
            None => {
                Arc::make_mut(&mut self.committed).insert(key, value);
            }
        }
    }

    pub fn remove(&mut self, key: &[u8]) {
        match self.layers.last_mut() {
            Some(top) => {
                top.insert(key.to_vec(), None);
            }
            None => {
                Arc::make_mut(&mut self.committed).remove(key);
            }
        }
    }

    /// Opens a write layer (a transaction or a sub-message).
    pub fn push(&mut self) {
        self.layers.push(Layer::new());
    }

    /// Folds the top layer into the one below (or into the committed map).
    pub fn commit_top(&mut self) {
        let Some(top) = self.layers.pop() else {
            return;
        };
        match self.layers.last_mut() {
            Some(below) => below.extend(top),
            None => {
                let committed = Arc::make_mut(&mut self.committed);
                for (k, v) in top {
                    match v {
                        Some(v) => committed.insert(k, v),
                        None => committed.remove(&k),
                    };
                }
            }
        }
    }

    /// Drops the top layer and every write in it.
    pub fn discard_top(&mut self) {
        self.layers.pop();
    }

    #[cfg(test)]
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Drops every open layer (used when a transaction is abandoned).
    pub fn discard_all(&mut self) {
        self.layers.clear();
    }

    pub fn committed(&self) -> &Arc<Kv> {
        &self.committed
    }

    pub fn from_committed(committed: Arc<Kv>) -> Self {
        LayeredKv {
            committed,
            layers: Vec::new(),
        }
    }

    /// The next live entry of `[lo, hi)` strictly after `after` (or from the range's start
    /// when `None`) in `order`, merging all layers. Lazy: an iterator costs nothing per
    /// entry it does not visit, and sees writes made while it is open.
    pub fn next_in_range(
        &self,
        lo: &[u8],
        hi: Option<&[u8]>,
        after: Option<&[u8]>,
        order: Order,
    ) -> Option<(Vec<u8>, Vec<u8>)> {
        let mut cursor: Option<Vec<u8>> = after.map(<[u8]>::to_vec);
        loop {
            let (lower, upper): (Bound<&[u8]>, Bound<&[u8]>) = match order {
                Order::Ascending => (
                    match &cursor {
                        Some(c) => Bound::Excluded(c.as_slice()),
                        None => Bound::Included(lo),
                    },
                    hi.map_or(Bound::Unbounded, Bound::Excluded),
                ),
                Order::Descending => (
                    Bound::Included(lo),
                    match &cursor {
                        Some(c) => Bound::Excluded(c.as_slice()),
                        None => hi.map_or(Bound::Unbounded, Bound::Excluded),
                    },
                ),
            };
            if let (Bound::Included(l) | Bound::Excluded(l), Bound::Excluded(u)) = (lower, upper) {
                if l >= u {
                    return None;
                }
            }
            let pick = |k: &Vec<u8>, best: &mut Option<Vec<u8>>| {
                let better = match best {
                    None => true,
                    Some(b) => match order {
                        Order::Ascending => k < b,
                        Order::Descending => k > b,
                    },
                };
                if better {
                    *best = Some(k.clone());
                }
            };
            let mut best: Option<Vec<u8>> = None;
            let bounds = (lower, upper);
            let first = |it: &mut dyn DoubleEndedIterator<Item = &Vec<u8>>| match order {
                Order::Ascending => it.next().cloned(),
                Order::Descending => it.next_back().cloned(),
            };
            if let Some(k) = first(&mut self.committed.range::<[u8], _>(bounds).map(|(k, _)| k)) {
                pick(&k, &mut best);
            }
            for layer in &self.layers {
                if let Some(k) = first(&mut layer.range::<[u8], _>(bounds).map(|(k, _)| k)) {
                    pick(&k, &mut best);
                }
            }
            let key = best?;
            match self.get(&key) {
                Some(v) => return Some((key.clone(), v.to_vec())),
                // Deleted in a higher layer: skip it and look further.
                None => cursor = Some(key),
            }
        }
    }

    /// Every live entry under `prefix`, keys with the prefix removed.
    pub fn entries_with_prefix(&self, prefix: &[u8]) -> Vec<(Vec<u8>, Vec<u8>)> {
        let hi = prefix_end(prefix);
        let mut out = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        while let Some((k, v)) =
            self.next_in_range(prefix, hi.as_deref(), after.as_deref(), Order::Ascending)
        {
            out.push((k[prefix.len()..].to_vec(), v));
            after = Some(k);
        }
        out
    }
}

/// The smallest key greater than every key starting with `prefix` (`None`: unbounded).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// A stored code (wasmd `CodeInfo`, plus what the engine learnt when it stored it).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct CodeRecord {
    pub checksum: Checksum,
    pub creator: String,
    /// The `cw_migrate_version` custom section, if the contract declares one.
    pub migrate_version: Option<u64>,
}

/// A contract instance (wasmd `ContractInfo`), stored JSON-encoded in the store.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ContractRecord {
    pub code_id: u64,
    pub creator: String,
    pub admin: Option<String>,
    pub label: String,
    /// Block height at instantiation.
    pub created_height: u64,
}

/// The block every call sees.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Block {
    pub height: u64,
    /// Unix time in nanoseconds.
    pub time_nanos: u64,
    pub chain_id: String,
}

/// Everything the engine knows, behind one mutex shared by the engine and the backends of
/// the VM instances it creates.
pub struct World {
    pub kv: LayeredKv,
    /// Code id `n` is `codes[n - 1]`. Not transactional: storing code is its own operation.
    pub codes: Vec<CodeRecord>,
    pub block: Block,
    /// The running transaction's (or top-level query's) SDK gas meter.
    pub gas: GasMeter,
    pub tally: GasTally,
    /// Checksums already loaded in this transaction: wasmd charges the discounted
    /// instance cost for them.
    pub loaded: Vec<Checksum>,
    /// Nested smart-query depth (wasmd `maxQueryStackSize`).
    pub query_depth: u32,
    /// Whether a transaction (rather than a top-level query) is running.
    pub in_tx: bool,
}

/// What a snapshot keeps: the committed store, the codes and the block.
#[derive(Clone)]
pub struct WorldSnapshot {
    pub committed: Arc<Kv>,
    pub codes: Vec<CodeRecord>,
    pub block: Block,
}

impl World {
    pub fn new(block: Block) -> Self {
        World {
            kv: LayeredKv::default(),
            codes: Vec::new(),
            block,
            gas: GasMeter::new(u64::MAX),
            tally: GasTally::default(),
            loaded: Vec::new(),
            query_depth: 0,
            in_tx: false,
        }
    }

    pub fn snapshot(&self) -> WorldSnapshot {
        WorldSnapshot {
            committed: self.kv.committed().clone(),
            codes: self.codes.clone(),
            block: self.block.clone(),
        }
    }

    pub fn restore(&mut self, snap: &WorldSnapshot) {
        self.kv = LayeredKv::from_committed(snap.committed.clone());
        self.codes = snap.codes.clone();
        self.block = snap.block.clone();
    }

    pub fn code(&self, code_id: u64) -> Option<&CodeRecord> {
        usize::try_from(code_id)
            .ok()
            .and_then(|i| i.checked_sub(1))
            .and_then(|i| self.codes.get(i))
    }

    pub fn contract(&self, canonical: &[u8]) -> Option<ContractRecord> {
        self.kv
            .get(&contract_info_key(canonical))
            .and_then(|raw| serde_json::from_slice(raw).ok())
    }

    pub fn set_contract(&mut self, canonical: &[u8], info: &ContractRecord) {
        let raw = serde_json::to_vec(info).expect("contract info serializes");
        self.kv.set(contract_info_key(canonical), raw);
    }

    /// wasmd's `mustAutoIncrementID(KeySequenceInstanceID)`: returns the next instance id
    /// (the first is 1) and stores its successor, inside the current layer.
    pub fn next_instance_id(&mut self) -> u64 {
        let id = self
            .kv
            .get(INSTANCE_SEQUENCE_KEY)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map(u64::from_be_bytes)
            .unwrap_or(1);
        self.kv.set(
            INSTANCE_SEQUENCE_KEY.to_vec(),
            (id + 1).to_be_bytes().to_vec(),
        );
        id
    }
}

pub fn contract_info_key(canonical: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + canonical.len());
    k.push(CONTRACT_INFO_PREFIX);
    k.extend_from_slice(canonical);
    k
}

pub fn contract_store_prefix(canonical: &[u8]) -> Vec<u8> {
    let mut k = Vec::with_capacity(1 + canonical.len());
    k.push(CONTRACT_STORE_PREFIX);
    k.extend_from_slice(canonical);
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(entries: &[(&str, &str)]) -> LayeredKv {
        let mut s = LayeredKv::default();
        for (k, v) in entries {
            s.set(k.as_bytes().to_vec(), v.as_bytes().to_vec());
        }
        s
    }

    fn walk(s: &LayeredKv, lo: &str, hi: Option<&str>, order: Order) -> Vec<String> {
        let mut out = Vec::new();
        let mut after: Option<Vec<u8>> = None;
        while let Some((k, _)) = s.next_in_range(
            lo.as_bytes(),
            hi.map(str::as_bytes),
            after.as_deref(),
            order,
        ) {
            out.push(String::from_utf8(k.clone()).unwrap());
            after = Some(k);
        }
        out
    }

    #[test]
    fn a_dropped_layer_leaves_nothing_and_a_committed_one_everything() {
        let mut s = kv(&[("a", "1")]);
        s.push();
        s.set(b"b".to_vec(), b"2".to_vec());
        s.push();
        s.set(b"c".to_vec(), b"3".to_vec());
        s.remove(b"a");
        assert_eq!(s.get(b"a"), None);
        s.discard_top();
        assert_eq!(s.get(b"a"), Some(&b"1"[..]));
        assert_eq!(s.get(b"c"), None);
        s.commit_top();
        assert_eq!(s.depth(), 0);
        assert_eq!(s.committed().len(), 2);
    }

    #[test]
    fn iteration_merges_layers_skips_deletions_and_respects_bounds() {
        let mut s = kv(&[("a", "1"), ("c", "3"), ("e", "5")]);
        s.push();
        s.set(b"b".to_vec(), b"2".to_vec());
        s.remove(b"c");
        s.push();
        s.set(b"c".to_vec(), b"33".to_vec());
        s.remove(b"e");
        assert_eq!(walk(&s, "", None, Order::Ascending), ["a", "b", "c"]);
        assert_eq!(walk(&s, "", None, Order::Descending), ["c", "b", "a"]);
        assert_eq!(walk(&s, "b", Some("c"), Order::Ascending), ["b"]);
        assert_eq!(walk(&s, "b", Some("c"), Order::Descending), ["b"]);
        assert!(walk(&s, "c", Some("b"), Order::Ascending).is_empty());
    }

    #[test]
    fn prefix_end_handles_ff_bytes() {
        assert_eq!(prefix_end(b"\x03ab"), Some(b"\x03ac".to_vec()));
        assert_eq!(prefix_end(b"\x03\xff"), Some(b"\x04".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
    }

    #[test]
    fn instance_ids_start_at_one_and_roll_back_with_their_layer() {
        let mut w = World::new(Block {
            height: 1,
            time_nanos: 0,
            chain_id: "t".into(),
        });
        w.kv.push();
        assert_eq!(w.next_instance_id(), 1);
        w.kv.discard_top();
        w.kv.push();
        assert_eq!(w.next_instance_id(), 1);
        assert_eq!(w.next_instance_id(), 2);
        w.kv.commit_top();
        assert_eq!(w.next_instance_id(), 3);
    }
}
