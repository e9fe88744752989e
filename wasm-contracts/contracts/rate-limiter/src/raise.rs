//! Temporary capacity raise (spec/rate-limiter.md "Temporary capacity raise"): a pair's
//! capacity lifted until a time, after which it falls back with no transaction. Only the
//! capacity changes, never the window's shape, so the ring (the usage) is kept.

use cosmwasm_schema::cw_serde;

use crate::error::ContractError;
use crate::msg::RaiseBounds;

/// MAX_RAISE_DURATION: 7 days, the longest raise anyone may set.
pub const MAX_RAISE_DURATION: u32 = 604_800;
/// MAX_RAISE_PERCENT: the largest guardian ceiling, 100× the configured capacity.
pub const MAX_RAISE_PERCENT: u32 = 10_000;

/// A stored raise; it applies while `now < until`.
#[cw_serde]
#[derive(Copy, Eq)]
pub struct Raise {
    pub capacity: u32,
    pub until: u64,
}

impl Raise {
    /// The raise if it applies at `now`.
    pub fn active(self, now: u64) -> Option<Raise> {
        (now < self.until).then_some(self)
    }
}

/// The effective capacity at `now`: a raise active at `now` never lowers the configured one.
pub fn effective_capacity(configured: u32, raise: Option<Raise>, now: u64) -> u32 {
    match raise.and_then(|r| r.active(now)) {
        Some(r) => r.capacity.max(configured),
        None => configured,
    }
}

/// Who is raising: ADMIN is bounded only by the protocol, a guardian by `RaiseBounds`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Raiser {
    Admin,
    Guardian(RaiseBounds),
}

impl Raiser {
    /// The highest capacity this caller may set on a pair configured at `configured`.
    fn ceiling(self, configured: u32) -> u32 {
        match self {
            Raiser::Admin => u32::MAX,
            Raiser::Guardian(b) => {
                let scaled = u64::from(configured) * u64::from(b.max_percent) / 100;
                u32::try_from(scaled).unwrap_or(u32::MAX)
            }
        }
    }

    /// The longest raise this caller may set.
    fn longest(self) -> u32 {
        match self {
            Raiser::Admin => MAX_RAISE_DURATION,
            Raiser::Guardian(b) => b.max_duration,
        }
    }

    /// Checks a raise in the spec's order (capacity, then duration) and returns it.
    pub fn check(
        self,
        configured: u32,
        capacity: u32,
        duration: u32,
        now: u64,
    ) -> Result<Raise, ContractError> {
        let max_capacity = self.ceiling(configured);
        if capacity <= configured || capacity > max_capacity {
            return Err(ContractError::RaiseCapacityOutOfRange {
                capacity,
                min_capacity: configured.saturating_add(1),
                max_capacity,
            });
        }
        let max_duration = self.longest();
        if duration == 0 || duration > max_duration {
            return Err(ContractError::RaiseDurationOutOfRange {
                duration,
                max_duration,
            });
        }
        Ok(Raise {
            capacity,
            until: now + u64::from(duration),
        })
    }
}

/// `set_raise_bounds` validation.
pub fn validate_bounds(bounds: &RaiseBounds) -> Result<(), ContractError> {
    if bounds.max_percent > MAX_RAISE_PERCENT || bounds.max_duration > MAX_RAISE_DURATION {
        return Err(ContractError::InvalidRaiseBounds {
            max_percent: bounds.max_percent,
            max_duration: bounds.max_duration,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const GUARD: Raiser = Raiser::Guardian(RaiseBounds {
        max_percent: 250,
        max_duration: 3600,
    });

    #[test]
    fn a_raise_applies_strictly_before_until() {
        let r = Raise {
            capacity: 9,
            until: 100,
        };
        assert_eq!(effective_capacity(4, Some(r), 99), 9);
        assert_eq!(effective_capacity(4, Some(r), 100), 4);
        assert_eq!(effective_capacity(4, None, 0), 4);
        assert_eq!(effective_capacity(12, Some(r), 50), 12, "never lowers");
    }

    #[test]
    fn guardian_ceiling_is_a_percentage_of_the_configured_capacity() {
        // 4 × 250 % = 10.
        assert_eq!(
            GUARD.check(4, 10, 3600, 7).unwrap(),
            Raise {
                capacity: 10,
                until: 3607
            }
        );
        assert_eq!(
            GUARD.check(4, 11, 60, 7),
            Err(ContractError::RaiseCapacityOutOfRange {
                capacity: 11,
                min_capacity: 5,
                max_capacity: 10
            })
        );
        assert_eq!(
            GUARD.check(4, 4, 60, 7),
            Err(ContractError::RaiseCapacityOutOfRange {
                capacity: 4,
                min_capacity: 5,
                max_capacity: 10
            })
        );
        assert_eq!(
            GUARD.check(4, 5, 3601, 7),
            Err(ContractError::RaiseDurationOutOfRange {
                duration: 3601,
                max_duration: 3600
            })
        );
        assert_eq!(
            GUARD.check(4, 5, 0, 7),
            Err(ContractError::RaiseDurationOutOfRange {
                duration: 0,
                max_duration: 3600
            })
        );
    }

    #[test]
    fn unset_bounds_leave_a_guardian_no_room_and_admin_is_bounded_by_the_protocol() {
        let none = Raiser::Guardian(RaiseBounds::default());
        assert_eq!(
            none.check(4, 5, 60, 0),
            Err(ContractError::RaiseCapacityOutOfRange {
                capacity: 5,
                min_capacity: 5,
                max_capacity: 0
            })
        );
        assert!(Raiser::Admin
            .check(4, u32::MAX, MAX_RAISE_DURATION, 0)
            .is_ok());
        assert_eq!(
            Raiser::Admin.check(u32::MAX, u32::MAX, 60, 0),
            Err(ContractError::RaiseCapacityOutOfRange {
                capacity: u32::MAX,
                min_capacity: u32::MAX,
                max_capacity: u32::MAX
            })
        );
        assert_eq!(
            Raiser::Admin.check(4, 5, MAX_RAISE_DURATION + 1, 0),
            Err(ContractError::RaiseDurationOutOfRange {
                duration: MAX_RAISE_DURATION + 1,
                max_duration: MAX_RAISE_DURATION
            })
        );
        // A ceiling that would exceed u32 saturates.
        let wide = Raiser::Guardian(RaiseBounds {
            max_percent: MAX_RAISE_PERCENT,
            max_duration: 1,
        });
        assert!(wide.check(u32::MAX / 2, u32::MAX, 1, 0).is_ok());
    }

    #[test]
    fn bounds_are_inclusive() {
        validate_bounds(&RaiseBounds {
            max_percent: MAX_RAISE_PERCENT,
            max_duration: MAX_RAISE_DURATION,
        })
        .unwrap();
        validate_bounds(&RaiseBounds::default()).unwrap();
        assert_eq!(
            validate_bounds(&RaiseBounds {
                max_percent: MAX_RAISE_PERCENT + 1,
                max_duration: 0
            }),
            Err(ContractError::InvalidRaiseBounds {
                max_percent: MAX_RAISE_PERCENT + 1,
                max_duration: 0
            })
        );
        assert!(validate_bounds(&RaiseBounds {
            max_percent: 0,
            max_duration: MAX_RAISE_DURATION + 1
        })
        .is_err());
    }
}
