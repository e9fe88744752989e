//! The cw2 migrate guard of spec/frame.md "Upgrades": same contract name, no downgrade
//! (semver order, so `0.10.0` is newer than `0.9.0`) — unless the message is an explicit
//! rollback, which only a downgrade to exactly this code's version passes.

use cosmwasm_std::{Addr, Response, StdError, Storage};

use crate::error::{validate_reason, FrameError};

// The message of every contract's `migrate`: `{}` for an upgrade;
// `{"rollback":"<version>","reason":"…","pause":true}` for a return to an older version
// (`rollback` is the version of the code the migrate runs; `pause` optional). Not a doc
// comment: the text would become the `description` of each contract's committed schema.
// Deserialized by hand (below, one flat map): serde's derived visitors cost more wasm than
// the largest contract has left.
#[derive(
    cosmwasm_schema::serde::Serialize,
    cosmwasm_schema::schemars::JsonSchema,
    Clone,
    Debug,
    PartialEq,
    Default,
)]
#[serde(crate = "cosmwasm_schema::serde", deny_unknown_fields)]
#[schemars(crate = "cosmwasm_schema::schemars")]
pub struct MigrateMsg {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rollback: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause: Option<bool>,
}

impl MigrateMsg {
    /// A rollback to `to_version` (this code's version), pausing the contract or not.
    pub fn rollback(to_version: &str, reason: &str, pause: bool) -> Self {
        MigrateMsg {
            rollback: Some(to_version.to_string()),
            reason: Some(reason.to_string()),
            pause: Some(pause),
        }
    }
}

mod de {
    //! One map visitor: unknown and repeated fields are refused, as with
    //! `deny_unknown_fields`, so a misspelt `rollback` is never read as an upgrade.
    use super::MigrateMsg;
    use cosmwasm_schema::serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};
    use std::fmt;

    struct MigrateVisitor;

    impl<'de> Visitor<'de> for MigrateVisitor {
        type Value = MigrateMsg;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<MigrateMsg, A::Error> {
            let mut msg = MigrateMsg::default();
            while let Some(key) = map.next_key::<String>()? {
                match key.as_str() {
                    "rollback" if msg.rollback.is_none() => msg.rollback = Some(map.next_value()?),
                    "reason" if msg.reason.is_none() => msg.reason = Some(map.next_value()?),
                    "pause" if msg.pause.is_none() => msg.pause = Some(map.next_value()?),
                    _ => return Err(A::Error::custom("unknown or repeated field")),
                }
            }
            Ok(msg)
        }
    }

    impl<'de> Deserialize<'de> for MigrateMsg {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_map(MigrateVisitor)
        }
    }
}

/// A version as semver orders it: `MAJOR.MINOR.PATCH`, an optional `-pre.release` (lower
/// than the release itself), build metadata (`+…`) ignored. Hand-written: the semver
/// crate's parser costs more wasm than the largest contract has left.
#[derive(Debug, PartialEq, Eq)]
struct Version<'a> {
    core: [u64; 3],
    pre: Option<&'a str>,
}

impl PartialOrd for Version<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<core::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Version<'_> {
    fn cmp(&self, other: &Self) -> core::cmp::Ordering {
        use core::cmp::Ordering::*;
        self.core
            .cmp(&other.core)
            .then_with(|| match (self.pre, other.pre) {
                (None, None) => Equal,
                (None, Some(_)) => Greater,
                (Some(_), None) => Less,
                (Some(a), Some(b)) => {
                    let (mut x, mut y) = (a.split('.'), b.split('.'));
                    loop {
                        match (x.next(), y.next()) {
                            (None, None) => return Equal,
                            (None, Some(_)) => return Less,
                            (Some(_), None) => return Greater,
                            (Some(p), Some(q)) => {
                                let o = match (p.parse::<u64>(), q.parse::<u64>()) {
                                    (Ok(m), Ok(n)) => m.cmp(&n),
                                    (Ok(_), Err(_)) => Less,
                                    (Err(_), Ok(_)) => Greater,
                                    (Err(_), Err(_)) => p.cmp(q),
                                };
                                if o != Equal {
                                    return o;
                                }
                            }
                        }
                    }
                }
            })
    }
}

fn parse(v: &str) -> Result<Version<'_>, FrameError> {
    let bad = || FrameError::from(StdError::generic_err(format!("invalid semver {v:?}")));
    let v_core = v.split('+').next().unwrap_or_default();
    let (nums, pre) = match v_core.split_once('-') {
        Some((n, p)) => (n, Some(p)),
        None => (v_core, None),
    };
    if pre == Some("") {
        return Err(bad());
    }
    let mut core = [0u64; 3];
    let mut parts = nums.split('.');
    for slot in &mut core {
        let part = parts.next().ok_or_else(bad)?;
        if !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        *slot = part.parse().map_err(|_| bad())?;
    }
    if parts.next().is_some() {
        return Err(bad());
    }
    Ok(Version { core, pre })
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
        // `reason` or `pause` without `rollback` would be an upgrade that ignores them.
        None if msg.reason.is_none() && msg.pause.is_none() => {
            migrate_guard(storage, name, version)
        }
        None => Err(StdError::generic_err("reason and pause belong to a rollback").into()),
        Some(ref to_version) => rollback_guard(
            storage,
            migrator,
            name,
            version,
            to_version,
            msg.reason.as_deref().unwrap_or_default(),
            msg.pause.unwrap_or(false),
        ),
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
    to_version: &str,
    reason: &str,
    pause: bool,
) -> Result<Response, FrameError> {
    let stored = cw2::get_contract_version(storage)?;
    if stored.contract != name {
        return Err(FrameError::MigrateWrongContract {
            stored: stored.contract,
            expected: name.to_string(),
        });
    }
    if to_version != version {
        return Err(FrameError::RollbackVersionMismatch {});
    }
    if parse(&stored.version)? <= parse(version)? {
        return Err(FrameError::NotARollback {});
    }
    validate_reason(reason)?;
    cw2::set_contract_version(storage, name, version)?;
    let mut res = Response::new()
        .add_attribute("action", "rollback")
        .add_attribute("from_version", stored.version)
        .add_attribute("to_version", version)
        .add_attribute("reason", reason);
    if pause && !crate::pause::is_paused(storage)? {
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
        MigrateMsg::rollback(to, reason, pause)
    }

    fn me() -> Addr {
        Addr::unchecked("contract")
    }

    #[test]
    fn empty_message_and_rollback_message_parse_from_their_json() {
        let plain: MigrateMsg = cosmwasm_std::from_json(br#"{}"#).unwrap();
        assert_eq!(plain, MigrateMsg::default());
        let rb: MigrateMsg = cosmwasm_std::from_json(
            br#"{"rollback":"0.1.0","reason":"bad release","pause":false}"#,
        )
        .unwrap();
        assert_eq!(rb, rollback("0.1.0", "bad release", false));
        let no_pause: MigrateMsg =
            cosmwasm_std::from_json(br#"{"rollback":"0.1.0","reason":"r"}"#).unwrap();
        assert_eq!(no_pause.pause, None);
        // What the toolkit and the timelock send is what the contract reads.
        let sent = cosmwasm_std::to_json_vec(&rollback("0.1.0", "r", true)).unwrap();
        assert_eq!(
            sent,
            br#"{"rollback":"0.1.0","reason":"r","pause":true}"#.to_vec()
        );
        for bad in [
            &br#"{"downgrade":true}"#[..],
            br#"{"rollback":"0.1.0","rollback":"0.1.0"}"#,
            br#"{"rollback":{"to_version":"0.1.0"}}"#,
            br#"[]"#,
        ] {
            assert!(cosmwasm_std::from_json::<MigrateMsg>(bad).is_err());
        }
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
    fn reason_or_pause_without_rollback_is_refused() {
        let mut s = stored("0.1.0");
        let msg = MigrateMsg {
            reason: Some("r".into()),
            ..MigrateMsg::default()
        };
        assert_eq!(
            migrate(&mut s, &me(), NAME, "0.2.0", msg)
                .unwrap_err()
                .code(),
            1203
        );
        assert_eq!(cw2::get_contract_version(&s).unwrap().version, "0.1.0");
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
        // A missing reason is an empty one.
        let mut s = stored("0.2.0");
        let msg = MigrateMsg {
            rollback: Some("0.1.0".into()),
            ..MigrateMsg::default()
        };
        assert_eq!(
            migrate(&mut s, &me(), NAME, "0.1.0", msg)
                .unwrap_err()
                .code(),
            1010
        );
    }
}
