//! The cw2 migrate guard of spec/frame.md "Upgrades": same contract name, no downgrade
//! (semver order, so `0.10.0` is newer than `0.9.0`) — unless the message is an explicit
//! rollback, which only a downgrade to exactly this code's version passes.

use cosmwasm_std::{Addr, Response, StdError, Storage};
use semver::Version;

use crate::error::{validate_reason, FrameError};

// The message of every contract's `migrate`: `{}` for an upgrade, `{"rollback":{...}}` for a
// return to an older version. Not a doc comment: the text would become the `description`
// of each contract's committed schema.
// Unknown fields are refused so that a misspelt `rollback` is never read as an upgrade.
#[cosmwasm_schema::cw_serde]
#[derive(Default)]
#[serde(deny_unknown_fields)]
pub struct MigrateMsg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<RollbackMsg>,
}

// A rollback: `to_version` must be this code's own version (so a rollback can never land
// on code the operator did not mean), `reason` is 1..=256 bytes, `pause` pauses the
// contract in the same transaction (the emergency path sets it).
#[cosmwasm_schema::cw_serde]
#[serde(deny_unknown_fields)]
pub struct RollbackMsg {
    pub to_version: String,
    pub reason: String,
    #[serde(default)]
    pub pause: bool,
}

fn parse(v: &str) -> Result<Version, FrameError> {
    Ok(Version::parse(v)
        .map_err(|e| StdError::generic_err(format!("invalid semver {v:?}: {e}")))?)
}

/// The `migrate` entry point's body: [`migrate_guard`] for an upgrade, [`rollback_guard`]
/// for a rollback message. `migrator` is the account that sent the migrate (the chain's
/// contract admin), named in the `Paused` event of a pausing rollback.
pub fn migrate(
    storage: &mut dyn Storage,
    migrator: &Addr,
    name: &str,
    version: &str,
    msg: MigrateMsg,
) -> Result<Response, FrameError> {
    match msg.rollback {
        None => migrate_guard(storage, name, version),
        Some(rollback) => rollback_guard(storage, migrator, name, version, &rollback),
    }
}

/// A rollback to this code (spec/frame.md "Rollback"): same contract name (1201),
/// `to_version` is this code's version (`RollbackVersionMismatch`, 1205), the stored
/// version is strictly newer (`NotARollback`, 1206), then the reason (1010, 1011). State is
/// kept as it is: what a newer version may write is bounded by the spec's rollback rules,
/// and a record this code cannot read is refused where it is read, never reinterpreted.
pub fn rollback_guard(
    storage: &mut dyn Storage,
    migrator: &Addr,
    name: &str,
    version: &str,
    msg: &RollbackMsg,
) -> Result<Response, FrameError> {
    let stored = cw2::get_contract_version(storage)?;
    if stored.contract != name {
        return Err(FrameError::MigrateWrongContract {
            stored: stored.contract,
            expected: name.to_string(),
        });
    }
    if msg.to_version != version {
        return Err(FrameError::RollbackVersionMismatch {
            requested: msg.to_version.clone(),
            code: version.to_string(),
        });
    }
    if parse(&stored.version)? <= parse(version)? {
        return Err(FrameError::NotARollback {});
    }
    validate_reason(&msg.reason)?;
    cw2::set_contract_version(storage, name, version)?;
    let mut res = Response::new()
        .add_attribute("action", "rollback")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version)
        .add_attribute("reason", &msg.reason);
    if msg.pause && !crate::pause::is_paused(storage)? {
        crate::pause::set_paused(storage)?;
        res = res.add_event(crate::events::paused(migrator));
    }
    Ok(res)
}

/// Checks that the stored cw2 record allows migrating to `(name, version)` and records the
/// new version. Re-running the same version is allowed (a no-op migration).
pub fn migrate_guard(
    storage: &mut dyn Storage,
    name: &str,
    version: &str,
) -> Result<Response, FrameError> {
    let stored = cw2::get_contract_version(storage)?;
    if stored.contract != name {
        return Err(FrameError::MigrateWrongContract {
            stored: stored.contract,
            expected: name.to_string(),
        });
    }
    if parse(&stored.version)? > parse(version)? {
        return Err(FrameError::MigrateDowngrade {
            stored: stored.version,
            new: version.to_string(),
        });
    }
    cw2::set_contract_version(storage, name, version)?;
    Ok(Response::new()
        .add_attribute("action", "migrate")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version))
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::testing::MockStorage;

    const NAME: &str = "crates.io:vagus-x";

    fn stored(version: &str) -> MockStorage {
        let mut s = MockStorage::new();
        cw2::set_contract_version(&mut s, NAME, version).unwrap();
        s
    }

    #[test]
    fn same_and_newer_versions_migrate() {
        let mut s = stored("0.1.0");
        migrate_guard(&mut s, NAME, "0.1.0").unwrap();
        migrate_guard(&mut s, NAME, "0.10.0").unwrap();
        assert_eq!(cw2::get_contract_version(&s).unwrap().version, "0.10.0");
    }

    #[test]
    fn downgrade_uses_semver_not_string_order() {
        let mut s = stored("0.10.0");
        let err = migrate_guard(&mut s, NAME, "0.9.0").unwrap_err();
        assert_eq!(err.code(), 1202);
        assert_eq!(cw2::get_contract_version(&s).unwrap().version, "0.10.0");
    }

    #[test]
    fn wrong_name_is_refused() {
        let mut s = stored("0.1.0");
        let err = migrate_guard(&mut s, "crates.io:vagus-y", "0.1.0").unwrap_err();
        assert_eq!(err.code(), 1201);
    }

    #[test]
    fn unparsable_version_is_a_std_error() {
        let mut s = stored("garbage");
        assert_eq!(
            migrate_guard(&mut s, NAME, "0.1.0").unwrap_err().code(),
            1203
        );
    }

    fn rollback(to: &str, reason: &str, pause: bool) -> MigrateMsg {
        MigrateMsg {
            rollback: Some(RollbackMsg {
                to_version: to.to_string(),
                reason: reason.to_string(),
                pause,
            }),
        }
    }

    fn me() -> Addr {
        Addr::unchecked("contract")
    }

    #[test]
    fn empty_message_and_rollback_message_parse_from_their_json() {
        let plain: MigrateMsg = cosmwasm_std::from_json(br#"{}"#).unwrap();
        assert_eq!(plain, MigrateMsg::default());
        let rb: MigrateMsg = cosmwasm_std::from_json(
            br#"{"rollback":{"to_version":"0.1.0","reason":"bad release"}}"#,
        )
        .unwrap();
        assert_eq!(rb, rollback("0.1.0", "bad release", false));
        assert!(cosmwasm_std::from_json::<MigrateMsg>(br#"{"downgrade":true}"#).is_err());
    }

    #[test]
    fn explicit_rollback_downgrades_to_exactly_this_codes_version() {
        let mut s = stored("0.2.0");
        let res = migrate(
            &mut s,
            &me(),
            NAME,
            "0.1.0",
            rollback("0.1.0", "bad", false),
        )
        .unwrap();
        assert_eq!(cw2::get_contract_version(&s).unwrap().version, "0.1.0");
        assert!(res.events.is_empty());
        assert!(!crate::pause::is_paused(&s).unwrap());
        let attr = |k: &str| {
            res.attributes
                .iter()
                .find(|a| a.key == k)
                .map(|a| a.value.clone())
        };
        assert_eq!(attr("action").as_deref(), Some("rollback"));
        assert_eq!(attr("from_version").as_deref(), Some("0.2.0"));
        assert_eq!(attr("reason").as_deref(), Some("bad"));
    }

    #[test]
    fn plain_migrate_still_refuses_the_same_downgrade() {
        let mut s = stored("0.2.0");
        let err = migrate(&mut s, &me(), NAME, "0.1.0", MigrateMsg::default()).unwrap_err();
        assert_eq!(err.code(), 1202);
        assert_eq!(cw2::get_contract_version(&s).unwrap().version, "0.2.0");
    }

    #[test]
    fn pausing_rollback_pauses_once_and_names_the_contract() {
        let mut s = stored("1.0.0");
        let res = migrate(&mut s, &me(), NAME, "0.9.0", rollback("0.9.0", "r", true)).unwrap();
        assert!(crate::pause::is_paused(&s).unwrap());
        assert_eq!(res.events.len(), 1);
        assert_eq!(res.events[0].ty, "paused");
        assert_eq!(res.events[0].attributes[0].value, "contract");
        // Already paused: the rollback still runs and emits no second Paused.
        cw2::set_contract_version(&mut s, NAME, "1.0.0").unwrap();
        let res = migrate(&mut s, &me(), NAME, "0.9.0", rollback("0.9.0", "r", true)).unwrap();
        assert!(res.events.is_empty());
    }

    #[test]
    fn rollback_refusals_carry_their_codes_and_change_nothing() {
        let cases: [(&str, MigrateMsg, u16); 6] = [
            ("0.2.0", rollback("0.1.1", "r", true), 1205),
            ("0.1.0", rollback("0.1.0", "r", true), 1206),
            ("0.0.9", rollback("0.1.0", "r", true), 1206),
            ("0.2.0", rollback("0.1.0", "", true), 1010),
            ("0.2.0", rollback("0.1.0", &"x".repeat(257), true), 1011),
            ("garbage", rollback("0.1.0", "r", true), 1203),
        ];
        for (stored_version, msg, code) in cases {
            let mut s = stored(stored_version);
            let err = migrate(&mut s, &me(), NAME, "0.1.0", msg).unwrap_err();
            assert_eq!(err.code(), code, "{err}");
            assert_eq!(
                cw2::get_contract_version(&s).unwrap().version,
                stored_version
            );
            assert!(!crate::pause::is_paused(&s).unwrap());
        }
        let mut s = stored("0.2.0");
        cw2::set_contract_version(&mut s, "crates.io:vagus-y", "0.2.0").unwrap();
        let err = migrate(&mut s, &me(), NAME, "0.1.0", rollback("0.1.0", "r", false)).unwrap_err();
        assert_eq!(err.code(), 1201);
    }
}
