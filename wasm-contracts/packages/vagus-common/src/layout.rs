//! Storage records other contracts read raw (`WasmQuery::Raw`): the issuer's `issue` reads
//! the inbox's latest root and the ANS manager's executor record and guard straight from
//! their storage instead of through smart queries, because wasmd charges every smart query
//! the setup of a VM instance (60,000 SDK gas for an unpinned code), a raw read only its KV
//! cost (docs/decisions/0051). The owning contracts declare their maps with these
//! namespaces, so the layout is written once; a change to it is a change of the
//! cross-contract interface, like a change of a query.

use cw_storage_plus::{Map, Path};

/// `AfferentInbox`: the latest evidence of each executor (`Map<u64, Latest>`, JSON).
pub const INBOX_LATEST: &str = "latest";
/// `ANSStateManager`: each executor's state record (`Map<u64, Executor>`, JSON); an
/// executor never seen has none and is SAFE with zeros.
pub const ANS_EXECUTORS: &str = "executors";
/// `ANSStateManager`: the guard of each state (`Map<u8, Guard>`, JSON); a state never set
/// has none and holds [`default_guard`].
pub const ANS_GUARDS: &str = "guards";

/// cw2's storage key of a contract's `{contract, version}`.
pub const CW2_KEY: &[u8] = b"contract_info";
/// The ANS manager's cw2 name (its `CONTRACT_NAME`; a test there holds them equal).
pub const ANS_CONTRACT_NAME: &str = "crates.io:vagus-ans-state-manager";

/// AnsState numbers (spec/ans.json).
pub const SAFE: u8 = 0;
pub const DANGER: u8 = 1;
pub const SHUTDOWN: u8 = 2;

/// The guard of a state never set: SAFE `(10000, true)`, DANGER `(5000, true)`, SHUTDOWN
/// `(0, false)`, as `(factor_bp, allowed)`.
pub fn default_guard(state: u8) -> (u16, bool) {
    match state {
        SAFE => (10_000, true),
        DANGER => (5_000, true),
        _ => (0, false),
    }
}

/// The full storage key of `id` in the `Map<u64, _>` named `namespace`.
pub fn u64_key(namespace: &'static str, id: u64) -> Path<()> {
    Map::<u64, ()>::new(namespace).key(id)
}

/// The full storage key of `id` in the `Map<u8, _>` named `namespace`.
pub fn u8_key(namespace: &'static str, id: u8) -> Path<()> {
    Map::<u8, ()>::new(namespace).key(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_length_prefixed_namespace_then_the_big_endian_id() {
        let k = u64_key(INBOX_LATEST, 0x0102);
        let mut want = vec![0u8, 6];
        want.extend_from_slice(b"latest");
        want.extend_from_slice(&[0, 0, 0, 0, 0, 0, 1, 2]);
        assert_eq!(&*k, want.as_slice());
        assert_eq!(&*u8_key(ANS_GUARDS, 2), b"\x00\x06guards\x02".as_slice());
    }

    #[test]
    fn default_guards_brake_danger_and_block_shutdown() {
        assert_eq!(default_guard(SAFE), (10_000, true));
        assert_eq!(default_guard(DANGER), (5_000, true));
        assert_eq!(default_guard(SHUTDOWN), (0, false));
        assert_eq!(default_guard(9), (0, false));
    }
}
