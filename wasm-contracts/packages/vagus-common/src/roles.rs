//! Role-based access control of the frame (spec/frame.md "Roles").
//!
//! Roles are plain strings (`common.json` roles[].wasm). Holders are stored per
//! `(role, address)`; the number of admins is kept beside them so that removing the last
//! admin can be refused in O(1).

use cosmwasm_std::{
    Addr, Deps, DepsMut, Empty, MessageInfo, Order, Response, StdError, StdResult, Storage,
};
use cw_storage_plus::{Item, Map};

use crate::error::FrameError;
use crate::events;

/// Governance: grants/revokes every role, unpauses, configures.
pub const ADMIN: &str = "admin";
/// Incident responders: pause, trip/reset breakers.
pub const GUARDIAN: &str = "guardian";
/// Consumers of rate-limit budget and breaker admissions (the capability issuer).
pub const CONSUMER: &str = "consumer";
/// Reporters of capability-use outcomes.
pub const REPORTER: &str = "reporter";
/// Tone oracles (`ANSStateManager.updateTone`).
pub const ORACLE: &str = "oracle";
/// Evidence attestors (`AfferentInbox.postEvidence`).
pub const ATTESTOR: &str = "attestor";
/// AI planners, the only callers of issuance (`CapabilityIssuer.issue`).
pub const PLANNER: &str = "planner";
/// The reflex arc and incident responders (`CapabilityIssuer.revoke`, `revokeAll`).
pub const REVOKER: &str = "revoker";
/// The ANS manager and the inbox (`ReflexArc.onStateTransition`, `onEvidence`).
pub const NOTIFIER: &str = "notifier";

/// The emergency key: on CosmWasm it gates nothing on the component itself; the timelock
/// (the contract's chain admin) checks it there before an emergency rollback of that
/// component (spec/frame.md "Rollback").
pub const EMERGENCY: &str = "emergency";

const HOLDERS: Map<(&str, &Addr), Empty> = Map::new("vagus_role_holders");
const ADMIN_COUNT: Item<u32> = Item::new("vagus_admin_count");

/// The fixed set of roles a contract defines (its component file's `roles`).
#[derive(Debug, Clone, Copy)]
pub struct Roles(pub &'static [&'static str]);

impl Roles {
    /// Returns the role if this contract defines it, else `UnknownRole`.
    pub fn known<'a>(&self, role: &'a str) -> Result<&'a str, FrameError> {
        if self.0.contains(&role) {
            Ok(role)
        } else {
            Err(FrameError::UnknownRole {
                role: role.to_string(),
            })
        }
    }
}

/// Whether `account` holds `role`.
pub fn has_role(storage: &dyn Storage, role: &str, account: &Addr) -> bool {
    HOLDERS.has(storage, (role, account))
}

/// Check 1 of every execute: the caller holds `role`, else `Unauthorized`.
pub fn require_role(storage: &dyn Storage, role: &str, caller: &Addr) -> Result<(), FrameError> {
    if has_role(storage, role, caller) {
        Ok(())
    } else {
        Err(FrameError::Unauthorized {
            account: caller.to_string(),
            role: role.to_string(),
        })
    }
}

/// Number of accounts holding `admin`.
pub fn admin_count(storage: &dyn Storage) -> StdResult<u32> {
    Ok(ADMIN_COUNT.may_load(storage)?.unwrap_or(0))
}

/// Validates a bech32 address argument (`InvalidAddress` otherwise).
pub fn validate_address(deps: Deps, address: &str) -> Result<Addr, FrameError> {
    deps.api
        .addr_validate(address)
        .map_err(|_| FrameError::InvalidAddress {})
}

/// Adds `account` to `role`. Returns false when it already held it (nothing changes).
/// No caller check: for instantiate-time grants (the timelock's proposers and executors).
pub fn insert(storage: &mut dyn Storage, role: &str, account: &Addr) -> StdResult<bool> {
    if HOLDERS.has(storage, (role, account)) {
        return Ok(false);
    }
    HOLDERS.save(storage, (role, account), &Empty {})?;
    if role == ADMIN {
        let count = admin_count(storage)?.saturating_add(1);
        ADMIN_COUNT.save(storage, &count)?;
    }
    Ok(true)
}

/// Removes `account` from `role`. Returns false when it did not hold it (nothing changes);
/// refuses to remove the last admin.
fn remove(storage: &mut dyn Storage, role: &str, account: &Addr) -> Result<bool, FrameError> {
    if !HOLDERS.has(storage, (role, account)) {
        return Ok(false);
    }
    if role == ADMIN {
        let count = admin_count(storage)?;
        if count <= 1 {
            return Err(FrameError::LastAdmin {});
        }
        ADMIN_COUNT.save(storage, &(count - 1))?;
    }
    HOLDERS.remove(storage, (role, account));
    Ok(true)
}

/// Instantiate: grants `admin` to the validated `admin` address and nothing else.
/// Returns the admin and the `role_granted` event.
pub fn init_admin(
    deps: DepsMut,
    info: &MessageInfo,
    admin: &str,
) -> Result<(Addr, cosmwasm_std::Event), FrameError> {
    let admin = validate_address(deps.as_ref(), admin)?;
    insert(deps.storage, ADMIN, &admin)?;
    let event = events::role_granted(ADMIN, &admin, &info.sender);
    Ok((admin, event))
}

/// `grantRole(role, account)`: ADMIN only; `UnknownRole` after the caller check;
/// granting a held role changes nothing and emits nothing.
pub fn grant_role(
    deps: DepsMut,
    info: &MessageInfo,
    roles: Roles,
    role: &str,
    account: &str,
) -> Result<Response, FrameError> {
    require_role(deps.storage, ADMIN, &info.sender)?;
    let role = roles.known(role)?;
    let account = validate_address(deps.as_ref(), account)?;
    let mut res = Response::new();
    if insert(deps.storage, role, &account)? {
        res = res.add_event(events::role_granted(role, &account, &info.sender));
    }
    Ok(res)
}

/// `revokeRole(role, account)`: ADMIN only; revoking a role not held changes nothing;
/// the last admin cannot be revoked.
pub fn revoke_role(
    deps: DepsMut,
    info: &MessageInfo,
    roles: Roles,
    role: &str,
    account: &str,
) -> Result<Response, FrameError> {
    require_role(deps.storage, ADMIN, &info.sender)?;
    let role = roles.known(role)?;
    let account = validate_address(deps.as_ref(), account)?;
    let mut res = Response::new();
    if remove(deps.storage, role, &account)? {
        res = res.add_event(events::role_revoked(role, &account, &info.sender));
    }
    Ok(res)
}

/// `renounceRole(role, callerConfirmation)`: anyone drops their own role. Checks in the
/// order of spec/frame.md: the confirmation must be the caller's own address
/// (`BadRenounceConfirmation`), the role must be defined (`UnknownRole`), then `LastAdmin`.
pub fn renounce_role(
    deps: DepsMut,
    info: &MessageInfo,
    roles: Roles,
    role: &str,
    caller_confirmation: &str,
) -> Result<Response, FrameError> {
    if caller_confirmation != info.sender.as_str() {
        return Err(FrameError::BadRenounceConfirmation {});
    }
    let role = roles.known(role)?;
    let mut res = Response::new();
    if remove(deps.storage, role, &info.sender)? {
        res = res.add_event(events::role_revoked(role, &info.sender, &info.sender));
    }
    Ok(res)
}

/// Reply of the `has_role` query.
#[cosmwasm_schema::cw_serde]
pub struct HasRoleResponse {
    pub has_role: bool,
}

/// `hasRole(role, account)`. Read-only and lenient: an unknown role or a malformed
/// address is held by nobody.
pub fn query_has_role(deps: Deps, role: &str, account: &str) -> HasRoleResponse {
    let has_role = match deps.api.addr_validate(account) {
        Ok(addr) => has_role(deps.storage, role, &addr),
        Err(_) => false,
    };
    HasRoleResponse { has_role }
}

/// One `(role, account)` pair of the holders' table.
#[cosmwasm_schema::cw_serde]
#[derive(Eq)]
pub struct RoleHolder {
    pub role: String,
    pub account: String,
}

/// Reply of the `role_holders` query: a page of holders in `(role, account)` order.
#[cosmwasm_schema::cw_serde]
pub struct RoleHoldersResponse {
    pub holders: Vec<RoleHolder>,
}

/// Page size of `role_holders` when the caller names none, and its ceiling: bounds the gas
/// of one query whatever the table holds.
pub const ROLE_HOLDERS_DEFAULT_LIMIT: u32 = 30;
pub const ROLE_HOLDERS_MAX_LIMIT: u32 = 100;

/// `roleHolders(startAfter, limit)` (CosmWasm only, spec/frame.md "Roles"): every holder of
/// every role, so an access review reads the table instead of replaying events. Pages
/// follow the storage order of `(role, account)`; the next page starts after the last pair
/// returned, and a page shorter than `limit` is the last one. Read-only and lenient like
/// `has_role`: a `start_after` naming no stored pair still orders correctly.
pub fn query_role_holders(
    deps: Deps,
    start_after: Option<RoleHolder>,
    limit: Option<u32>,
) -> StdResult<RoleHoldersResponse> {
    let limit = limit
        .unwrap_or(ROLE_HOLDERS_DEFAULT_LIMIT)
        .clamp(1, ROLE_HOLDERS_MAX_LIMIT) as usize;
    // Raw keys of the table, parsed here: cw-storage-plus' typed range would add about
    // 12 KB to every contract, and the capability issuer is at its size limit. A key is the
    // table's prefix, then the role with a 2-byte length, then the address.
    let prefix = HOLDERS.key(("", &Addr::unchecked(""))).to_vec();
    let prefix = &prefix[..prefix.len() - 2];
    let start = match &start_after {
        Some(h) => {
            let mut k = HOLDERS
                .key((h.role.as_str(), &Addr::unchecked(h.account.as_str())))
                .to_vec();
            k.push(0);
            k
        }
        None => prefix.to_vec(),
    };
    let mut end = prefix.to_vec();
    if let Some(last) = end.last_mut() {
        *last += 1;
    }
    let mut holders = Vec::new();
    for key in deps
        .storage
        .range_keys(Some(&start), Some(&end), Order::Ascending)
        .take(limit)
    {
        let rest = &key[prefix.len()..];
        let n = u16::from_be_bytes([rest[0], rest[1]]) as usize;
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(StdError::from);
        holders.push(RoleHolder {
            role: text(&rest[2..2 + n])?,
            account: text(&rest[2 + n..])?,
        });
    }
    Ok(RoleHoldersResponse { holders })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::{message_info, mock_dependencies};

    const ROLES: Roles = Roles(&[ADMIN, GUARDIAN]);

    #[test]
    fn last_admin_is_kept_and_second_admin_can_leave() {
        let mut deps = mock_dependencies();
        let a = deps.api.addr_make("a");
        let b = deps.api.addr_make("b");
        let info_a = message_info(&a, &[]);
        init_admin(deps.as_mut(), &info_a, a.as_str()).unwrap();
        assert_eq!(
            renounce_role(deps.as_mut(), &info_a, ROLES, ADMIN, a.as_str()).unwrap_err(),
            FrameError::LastAdmin {}
        );
        grant_role(deps.as_mut(), &info_a, ROLES, ADMIN, b.as_str()).unwrap();
        assert_eq!(admin_count(&deps.storage).unwrap(), 2);
        let res = revoke_role(deps.as_mut(), &info_a, ROLES, ADMIN, a.as_str()).unwrap();
        assert_eq!(res.events.len(), 1);
        assert_eq!(admin_count(&deps.storage).unwrap(), 1);
        let info_b = message_info(&b, &[]);
        assert_eq!(
            revoke_role(deps.as_mut(), &info_b, ROLES, ADMIN, b.as_str()).unwrap_err(),
            FrameError::LastAdmin {}
        );
        // Revoking admin from a non-holder is a no-op, not LastAdmin.
        let res = revoke_role(deps.as_mut(), &info_b, ROLES, ADMIN, a.as_str()).unwrap();
        assert!(res.events.is_empty());
    }

    #[test]
    fn stranger_gets_unauthorized_before_unknown_role() {
        let mut deps = mock_dependencies();
        let a = deps.api.addr_make("a");
        let s = deps.api.addr_make("s");
        init_admin(deps.as_mut(), &message_info(&a, &[]), a.as_str()).unwrap();
        let err = grant_role(
            deps.as_mut(),
            &message_info(&s, &[]),
            ROLES,
            "nope",
            s.as_str(),
        )
        .unwrap_err();
        assert_eq!(err.code(), 1001);
        let err = grant_role(
            deps.as_mut(),
            &message_info(&a, &[]),
            ROLES,
            "nope",
            s.as_str(),
        )
        .unwrap_err();
        assert_eq!(err.code(), 1004);
        let err = grant_role(
            deps.as_mut(),
            &message_info(&a, &[]),
            ROLES,
            GUARDIAN,
            "bad",
        )
        .unwrap_err();
        assert_eq!(err.code(), 1005);
    }

    #[test]
    fn granting_twice_emits_once() {
        let mut deps = mock_dependencies();
        let a = deps.api.addr_make("a");
        let g = deps.api.addr_make("g");
        let info = message_info(&a, &[]);
        init_admin(deps.as_mut(), &info, a.as_str()).unwrap();
        let first = grant_role(deps.as_mut(), &info, ROLES, GUARDIAN, g.as_str()).unwrap();
        let second = grant_role(deps.as_mut(), &info, ROLES, GUARDIAN, g.as_str()).unwrap();
        assert_eq!((first.events.len(), second.events.len()), (1, 0));
        assert!(query_has_role(deps.as_ref(), GUARDIAN, g.as_str()).has_role);
        assert!(!query_has_role(deps.as_ref(), GUARDIAN, "garbage").has_role);
    }
    #[test]
    fn role_holders_pages_through_every_pair_once_in_key_order() {
        let mut deps = mock_dependencies();
        let a = deps.api.addr_make("a");
        let info = message_info(&a, &[]);
        init_admin(deps.as_mut(), &info, a.as_str()).unwrap();
        let mut want = vec![(ADMIN.to_string(), a.to_string())];
        for name in ["g1", "g2", "g3", "g4"] {
            let g = deps.api.addr_make(name);
            grant_role(deps.as_mut(), &info, ROLES, GUARDIAN, g.as_str()).unwrap();
            want.push((GUARDIAN.to_string(), g.to_string()));
        }
        let g2 = deps.api.addr_make("g2");
        revoke_role(deps.as_mut(), &info, ROLES, GUARDIAN, g2.as_str()).unwrap();
        want.retain(|(_, acc)| acc != g2.as_str());
        want.sort();

        let mut got = Vec::new();
        let mut after = None;
        let mut pages = 0;
        loop {
            let page = query_role_holders(deps.as_ref(), after.clone(), Some(2)).unwrap();
            pages += 1;
            let n = page.holders.len();
            after = page.holders.last().cloned();
            got.extend(page.holders.into_iter().map(|h| (h.role, h.account)));
            if n < 2 {
                break;
            }
        }
        assert_eq!(got, want);
        assert_eq!(
            pages, 3,
            "4 holders in pages of 2: two full pages and an empty one"
        );
        // Limits are clamped: 0 still returns a holder, a huge limit returns all of them.
        let one = query_role_holders(deps.as_ref(), None, Some(0)).unwrap();
        assert_eq!(one.holders.len(), 1);
        let all = query_role_holders(deps.as_ref(), None, Some(u32::MAX)).unwrap();
        assert_eq!(all.holders.len(), 4);
    }
}
