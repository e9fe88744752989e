//! Event builders. A spec event `ConsumeDenied` becomes a CosmWasm `Event` of type
//! `consume_denied` (`wasm-consume_denied` on chain) whose attributes are the spec fields in
//! snake_case, in spec order, with values as spec/README.md fixes them: integers in
//! decimal, `bytes32` as lowercase hex without `0x`, booleans `true`/`false`, enums as
//! their number, roles as the wasm role name.

use cosmwasm_std::{Addr, Event};

use crate::ids::Pair;

/// Starts an event whose first attributes are the pair (`executor_id`, `action_id`).
pub fn pair_event(ty: &str, pair: &Pair) -> Event {
    Event::new(ty)
        .add_attribute("executor_id", pair.executor_id.to_string())
        .add_attribute("action_id", pair.action_hex())
}

/// `RoleGranted(role, account, sender)`.
pub fn role_granted(role: &str, account: &Addr, sender: &Addr) -> Event {
    role_event("role_granted", role, account, sender)
}

/// `RoleRevoked(role, account, sender)`.
pub fn role_revoked(role: &str, account: &Addr, sender: &Addr) -> Event {
    role_event("role_revoked", role, account, sender)
}

fn role_event(ty: &str, role: &str, account: &Addr, sender: &Addr) -> Event {
    Event::new(ty)
        .add_attribute("role", role)
        .add_attribute("account", account.as_str())
        .add_attribute("sender", sender.as_str())
}

/// `Paused(account)`.
pub fn paused(account: &Addr) -> Event {
    Event::new("paused").add_attribute("account", account.as_str())
}

/// `Unpaused(account)`.
pub fn unpaused(account: &Addr) -> Event {
    Event::new("unpaused").add_attribute("account", account.as_str())
}

/// Converts a spec (camelCase / PascalCase) name to its CosmWasm snake_case spelling:
/// `ConsumeDenied` → `consume_denied`, `halfOpenMaxProbes` → `half_open_max_probes`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_matches_the_naming_table() {
        assert_eq!(snake_case("ConsumeDenied"), "consume_denied");
        assert_eq!(snake_case("executorId"), "executor_id");
        assert_eq!(snake_case("halfOpenMaxProbes"), "half_open_max_probes");
        assert_eq!(snake_case("setPairConfig"), "set_pair_config");
        assert_eq!(snake_case("from"), "from");
    }

    #[test]
    fn pair_event_starts_with_the_pair() {
        let pair = Pair {
            executor_id: 7,
            action_id: [0xab; 32],
        };
        let ev = pair_event("consume_denied", &pair).add_attribute("code", "2100");
        let keys: Vec<_> = ev.attributes.iter().map(|a| a.key.as_str()).collect();
        assert_eq!(keys, ["executor_id", "action_id", "code"]);
        assert_eq!(ev.attributes[1].value, "ab".repeat(32));
    }
}
