//! Storage of the CapabilityIssuer.
//!
//! The records read and written on every issue (token, executor, links; the pending intent
//! is encoded the same way but travels in a sub-message payload)
//! are fixed-layout binary values, not JSON: a JSON `[u8; 32]` is an array of 32 numbers,
//! costly to store and to parse, and serde's code for each record would push the artifact
//! past the 300 KB limit. Layouts are drawn beside each codec; all integers big-endian.
//! Each record starts with [`RECORD_VERSION`] (as the rate limiter's records do), so a
//! later layout can be told from this one; a record of another version is refused.

use cosmwasm_std::{Addr, StdError, StdResult, Storage};
use cw_storage_plus::{Item, Map};

use crate::msg::Config;

pub const CONFIG: Item<Config> = Item::new("config");
/// Per executor: the epoch its valid tokens carry. A token is valid only while its epoch
/// equals this one, so `revoke_all` is one small write of its own, whatever the number of
/// tokens and whatever the executor's counters hold.
pub const EPOCHS: Map<u64, u64> = Map::new("epochs");
pub const TOTAL_SUPPLY: Item<u64> = Item::new("total_supply");
pub const BALANCES: Map<&Addr, u64> = Map::new("balances");

const LINKS_KEY: &[u8] = b"links";
const TOKEN_PREFIX: &[u8] = b"t";
const EXECUTOR_PREFIX: &[u8] = b"e";

/// Version byte of the token, executor and pending records.
pub const RECORD_VERSION: u8 = 1;

fn corrupt(what: &str) -> StdError {
    StdError::generic_err(format!("corrupt {what} record"))
}

fn key(prefix: &[u8], id: u64) -> Vec<u8> {
    let mut k = Vec::with_capacity(prefix.len() + 8);
    k.extend_from_slice(prefix);
    k.extend_from_slice(&id.to_be_bytes());
    k
}

/// A cursor over a fixed-layout record.
struct Reader<'a>(&'a [u8]);

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Option<&[u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, tail) = self.0.split_at(n);
        self.0 = tail;
        Some(head)
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_be_bytes(self.take(8)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_be_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
    }
    fn b32(&mut self) -> Option<[u8; 32]> {
        self.take(32)?.try_into().ok()
    }
    /// The version byte; `None` (corrupt) for any other version.
    fn version(&mut self) -> Option<()> {
        (self.u8()? == RECORD_VERSION).then_some(())
    }
    /// Nothing may follow the last field.
    fn end(&self) -> Option<()> {
        self.0.is_empty().then_some(())
    }
}

/// The validated links (all five are set together).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkAddrs {
    pub ans: Addr,
    pub inbox: Addr,
    pub brake: Addr,
    pub breaker: Addr,
    pub rate_limiter: Addr,
}

/// `ans \n inbox \n brake \n breaker \n rate_limiter` (bech32 never holds a newline).
pub fn save_links(storage: &mut dyn Storage, l: &LinkAddrs) {
    let text = [&l.ans, &l.inbox, &l.brake, &l.breaker, &l.rate_limiter]
        .map(Addr::as_str)
        .join("\n");
    storage.set(LINKS_KEY, text.as_bytes());
}

pub fn load_links(storage: &dyn Storage) -> StdResult<Option<LinkAddrs>> {
    let Some(raw) = storage.get(LINKS_KEY) else {
        return Ok(None);
    };
    let text = String::from_utf8(raw).map_err(|_| corrupt("links"))?;
    let mut it = text.split('\n').map(Addr::unchecked);
    let mut next = || it.next().ok_or_else(|| corrupt("links"));
    Ok(Some(LinkAddrs {
        ans: next()?,
        inbox: next()?,
        brake: next()?,
        breaker: next()?,
        rate_limiter: next()?,
    }))
}

/// Per executor (its epoch lives apart, in [`EPOCHS`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExecutorRecord {
    pub registered: bool,
    pub account: Option<Addr>,
    pub last_nonce: u64,
    pub paused: bool,
    pub requests: u64,
    pub issued: u64,
    pub denied: u64,
}

// version(1) | flags(1: bit0 registered, bit1 paused) | last_nonce(8) | requests(8) |
// issued(8) | denied(8) | account (UTF-8, the rest; empty = none)
pub fn load_executor(storage: &dyn Storage, id: u64) -> StdResult<ExecutorRecord> {
    let Some(raw) = storage.get(&key(EXECUTOR_PREFIX, id)) else {
        return Ok(ExecutorRecord::default());
    };
    let mut r = Reader(&raw);
    let mut read = || -> Option<ExecutorRecord> {
        r.version()?;
        let flags = r.u8()?;
        let (last_nonce, requests, issued, denied) = (r.u64()?, r.u64()?, r.u64()?, r.u64()?);
        let account = std::str::from_utf8(r.0).ok()?;
        Some(ExecutorRecord {
            registered: flags & 1 != 0,
            paused: flags & 2 != 0,
            last_nonce,
            requests,
            issued,
            denied,
            account: (!account.is_empty()).then(|| Addr::unchecked(account)),
        })
    };
    read().ok_or_else(|| corrupt("executor"))
}

pub fn save_executor(storage: &mut dyn Storage, id: u64, e: &ExecutorRecord) {
    let account = e.account.as_ref().map_or("", Addr::as_str);
    let mut v = Vec::with_capacity(34 + account.len());
    v.push(RECORD_VERSION);
    v.push(u8::from(e.registered) | u8::from(e.paused) << 1);
    for n in [e.last_nonce, e.requests, e.issued, e.denied] {
        v.extend_from_slice(&n.to_be_bytes());
    }
    v.extend_from_slice(account.as_bytes());
    storage.set(&key(EXECUTOR_PREFIX, id), &v);
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    pub executor_id: u64,
    pub action_id: [u8; 32],
    pub epoch: u64,
    pub issued_at: u64,
    pub expires_at: u64,
    pub revoked: bool,
    pub outcome_reported: bool,
    /// The executor's ANS shutdown epoch at issue (spec/safety-core.md §4.3).
    pub shutdown_epoch: u32,
}

/// Bytes of a token record.
pub const TOKEN_LEN: usize = 70;

// version(1) | executor_id(8) | action_id(32) | epoch(8) | issued_at(8) | expires_at(8) |
// shutdown_epoch(4) | flags(1: bit0 revoked, bit1 outcome_reported)  = 70 bytes
pub fn load_token(storage: &dyn Storage, id: u64) -> StdResult<Option<Token>> {
    let Some(raw) = storage.get(&key(TOKEN_PREFIX, id)) else {
        return Ok(None);
    };
    let mut r = Reader(&raw);
    let mut read = || -> Option<Token> {
        r.version()?;
        let t = Token {
            executor_id: r.u64()?,
            action_id: r.b32()?,
            epoch: r.u64()?,
            issued_at: r.u64()?,
            expires_at: r.u64()?,
            shutdown_epoch: r.u32()?,
            revoked: false,
            outcome_reported: false,
        };
        let flags = r.u8()?;
        r.end()?;
        Some(Token {
            revoked: flags & 1 != 0,
            outcome_reported: flags & 2 != 0,
            ..t
        })
    };
    read().map(Some).ok_or_else(|| corrupt("token"))
}

pub fn save_token(storage: &mut dyn Storage, id: u64, t: &Token) {
    let mut v = Vec::with_capacity(TOKEN_LEN);
    v.push(RECORD_VERSION);
    v.extend_from_slice(&t.executor_id.to_be_bytes());
    v.extend_from_slice(&t.action_id);
    for n in [t.epoch, t.issued_at, t.expires_at] {
        v.extend_from_slice(&n.to_be_bytes());
    }
    v.extend_from_slice(&t.shutdown_epoch.to_be_bytes());
    v.push(u8::from(t.revoked) | u8::from(t.outcome_reported) << 1);
    storage.set(&key(TOKEN_PREFIX, id), &v);
}

/// An intent between its breaker and rate-limiter replies: what the mint still needs. It
/// travels in the admission sub-messages' `payload` (the chain hands it back to `reply`
/// unchanged), not in storage: a stored record cost a write, two reads and a delete
/// (about 12,000 SDK gas) per issue (docs/decisions/0051).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pending {
    pub executor_id: u64,
    pub action_id: [u8; 32],
    pub nonce: u64,
    pub ttl: u32,
    pub state: u8,
    pub shutdown_epoch: u32,
    pub params_sha256: [u8; 32],
    pub params_keccak256: [u8; 32],
    pub limits_sha256: [u8; 32],
    pub limits_keccak256: [u8; 32],
}

/// Bytes of the encoded pending intent.
pub const PENDING_LEN: usize = 186;

// version(1) | executor_id(8) | action_id(32) | nonce(8) | ttl(4) | state(1) |
// shutdown_epoch(4) | 4 hashes (4 × 32) = 186
pub fn decode_pending(raw: &[u8]) -> StdResult<Pending> {
    let mut r = Reader(raw);
    let mut read = || -> Option<Pending> {
        r.version()?;
        let p = Pending {
            executor_id: r.u64()?,
            action_id: r.b32()?,
            nonce: r.u64()?,
            ttl: r.u32()?,
            state: r.u8()?,
            shutdown_epoch: r.u32()?,
            params_sha256: r.b32()?,
            params_keccak256: r.b32()?,
            limits_sha256: r.b32()?,
            limits_keccak256: r.b32()?,
        };
        r.end()?;
        Some(p)
    };
    read().ok_or_else(|| corrupt("pending"))
}

pub fn encode_pending(p: &Pending) -> Vec<u8> {
    let mut v = Vec::with_capacity(PENDING_LEN);
    v.push(RECORD_VERSION);
    v.extend_from_slice(&p.executor_id.to_be_bytes());
    v.extend_from_slice(&p.action_id);
    v.extend_from_slice(&p.nonce.to_be_bytes());
    v.extend_from_slice(&p.ttl.to_be_bytes());
    v.push(p.state);
    v.extend_from_slice(&p.shutdown_epoch.to_be_bytes());
    for h in [
        &p.params_sha256,
        &p.params_keccak256,
        &p.limits_sha256,
        &p.limits_keccak256,
    ] {
        v.extend_from_slice(h);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    #[test]
    fn records_round_trip() {
        let mut s = MockStorage::new();
        let t = Token {
            executor_id: 7,
            action_id: [9; 32],
            epoch: 3,
            issued_at: 10,
            expires_at: 70,
            revoked: false,
            outcome_reported: true,
            shutdown_epoch: 4,
        };
        save_token(&mut s, 1, &t);
        assert_eq!(s.get(&key(TOKEN_PREFIX, 1)).unwrap().len(), TOKEN_LEN);
        assert_eq!(load_token(&s, 1).unwrap(), Some(t));
        assert_eq!(load_token(&s, 2).unwrap(), None);
        let e = ExecutorRecord {
            registered: true,
            account: Some(Addr::unchecked("wasm1robot")),
            last_nonce: 5,
            paused: true,
            requests: 1,
            issued: 2,
            denied: 3,
        };
        save_executor(&mut s, 1, &e);
        assert_eq!(load_executor(&s, 1).unwrap(), e);
        assert_eq!(load_executor(&s, 2).unwrap(), ExecutorRecord::default());
        let p = Pending {
            executor_id: 1,
            action_id: [1; 32],
            nonce: 2,
            ttl: 3,
            state: 1,
            shutdown_epoch: 8,
            params_sha256: [4; 32],
            params_keccak256: [5; 32],
            limits_sha256: [6; 32],
            limits_keccak256: [7; 32],
        };
        let raw = encode_pending(&p);
        assert_eq!(raw.len(), PENDING_LEN);
        assert_eq!(decode_pending(&raw).unwrap(), p);
        assert!(decode_pending(&raw[..PENDING_LEN - 1]).is_err());
        let mut other = raw.clone();
        other[0] = RECORD_VERSION + 1;
        assert!(decode_pending(&other).is_err());
        let l = LinkAddrs {
            ans: Addr::unchecked("a"),
            inbox: Addr::unchecked("b"),
            brake: Addr::unchecked("c"),
            breaker: Addr::unchecked("d"),
            rate_limiter: Addr::unchecked("e"),
        };
        save_links(&mut s, &l);
        assert_eq!(load_links(&s).unwrap(), Some(l));
    }

    #[test]
    fn records_carry_their_version_byte_and_refuse_others() {
        let mut s = MockStorage::new();
        let t = Token {
            executor_id: 1,
            action_id: [2; 32],
            epoch: 0,
            issued_at: 5,
            expires_at: 6,
            revoked: true,
            outcome_reported: false,
            shutdown_epoch: 0,
        };
        save_token(&mut s, 1, &t);
        let raw = s.get(&key(TOKEN_PREFIX, 1)).unwrap();
        assert_eq!(raw[0], RECORD_VERSION);
        // Another version, the record of the old layout (no version byte: 65 bytes), and a
        // trailing byte are all refused rather than misread.
        let mut other = raw.clone();
        other[0] = RECORD_VERSION + 1;
        s.set(&key(TOKEN_PREFIX, 2), &other);
        assert!(load_token(&s, 2).is_err());
        s.set(&key(TOKEN_PREFIX, 3), &raw[1..66]);
        assert!(load_token(&s, 3).is_err());
        let mut long = raw.clone();
        long.push(0);
        s.set(&key(TOKEN_PREFIX, 4), &long);
        assert!(load_token(&s, 4).is_err());
        save_executor(&mut s, 1, &ExecutorRecord::default());
        let mut e = s.get(&key(EXECUTOR_PREFIX, 1)).unwrap();
        assert_eq!(e[0], RECORD_VERSION);
        e[0] = 0;
        s.set(&key(EXECUTOR_PREFIX, 1), &e);
        assert!(load_executor(&s, 1).is_err());
    }
}
