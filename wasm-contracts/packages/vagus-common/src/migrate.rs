//! The cw2 migrate guard of spec/frame.md "Upgrades": same contract name, no downgrade
//! (semver order, so `0.10.0` is newer than `0.9.0`).

use cosmwasm_std::{Response, StdError, Storage};
use semver::Version;

use crate::error::FrameError;

// The message of every contract's `migrate` (no fields). Not a doc comment: the text would
// become the `description` of each contract's committed schema.
#[cosmwasm_schema::cw_serde]
pub struct MigrateMsg {}

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
    let parse = |v: &str| {
        Version::parse(v).map_err(|e| StdError::generic_err(format!("invalid semver {v:?}: {e}")))
    };
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
}
