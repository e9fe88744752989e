//! The autonomic state machine of one executor (spec/safety-core.md §1.3): streaks,
//! inclusive thresholds, escalation without dwell, relaxation after the dwell, SHUTDOWN
//! left only by the governance override.

use cosmwasm_schema::cw_serde;

use crate::error::ContractError;
use crate::msg::{Config, Guard};

pub use vagus_common::layout::{DANGER, SAFE, SHUTDOWN};

/// Highest tone and threshold, in ppm.
pub const MAX_PPM: u32 = 1_000_000;
/// Largest reading count of each streak.
pub const MAX_READINGS: u32 = 1_000;
/// Longest dwell, in seconds (30 days).
pub const MAX_DWELL: u32 = 2_592_000;
/// Largest shutdown epoch: SHUTDOWN is not left once it is reached (4011).
pub const MAX_SHUTDOWN_EPOCH: u32 = u32::MAX;
/// 100 % in basis points.
pub const FULL_FACTOR_BP: u16 = 10_000;

/// `StateTransition.cause`.
pub const CAUSE_READINGS: u8 = 1;
pub const CAUSE_OVERRIDE: u8 = 2;

/// Per-executor record; a never-seen executor is SAFE with zeros.
#[cw_serde]
#[derive(Copy, Default, Eq)]
pub struct Executor {
    pub state: u8,
    pub tone_ppm: u32,
    pub danger_streak: u32,
    pub shutdown_streak: u32,
    pub safe_streak: u32,
    pub entered_at: u64,
    pub updated_at: u64,
    /// Entries into SHUTDOWN so far (spec §1): tokens carry it, so one issued before a
    /// SHUTDOWN never validates again. Absent from records written before it existed.
    #[serde(default)]
    pub shutdown_epoch: u32,
}

/// Validation order: thresholds, reading counts (danger, shutdown, safe), dwell.
pub fn validate_config(c: &Config) -> Result<(), ContractError> {
    if !(c.safe_return_ppm < c.danger_enter_ppm
        && c.danger_enter_ppm <= c.shutdown_enter_ppm
        && c.shutdown_enter_ppm <= MAX_PPM)
    {
        return Err(ContractError::InvalidThresholds {
            safe_return_ppm: c.safe_return_ppm,
            danger_enter_ppm: c.danger_enter_ppm,
            shutdown_enter_ppm: c.shutdown_enter_ppm,
        });
    }
    for value in [c.danger_readings, c.shutdown_readings, c.safe_readings] {
        if value == 0 || value > MAX_READINGS {
            return Err(ContractError::InvalidReadingCount { value });
        }
    }
    if c.min_dwell > MAX_DWELL {
        return Err(ContractError::InvalidDwell { value: c.min_dwell });
    }
    Ok(())
}

/// `state <= 2`, else `InvalidState`.
pub fn validate_state(state: u8) -> Result<u8, ContractError> {
    if state > SHUTDOWN {
        return Err(ContractError::InvalidState { value: state });
    }
    Ok(state)
}

/// `setGuard` checks after the state: factor, then SHUTDOWN must block.
pub fn validate_guard(state: u8, guard: &Guard) -> Result<(), ContractError> {
    if guard.factor_bp > FULL_FACTOR_BP {
        return Err(ContractError::InvalidGuardFactor {
            value: guard.factor_bp,
        });
    }
    if state == SHUTDOWN && guard.allowed {
        return Err(ContractError::ShutdownMustBlock {});
    }
    Ok(())
}

/// SAFE `{10000, true}`, DANGER `{5000, true}`, SHUTDOWN `{0, false}` (shared with the
/// issuer, which reads guards raw).
pub fn default_guard(state: u8) -> Guard {
    let (factor_bp, allowed) = vagus_common::layout::default_guard(state);
    Guard { factor_bp, allowed }
}

fn streak(current: u32, hit: bool) -> u32 {
    if hit {
        current.saturating_add(1)
    } else {
        0
    }
}

impl Executor {
    /// One tone reading at `t`; returns `Some(from)` when the state changed. A reading taken
    /// while `paused` never counts toward the safe streak, so a paused manager relaxes
    /// nothing (spec/safety-core.md §1.3).
    pub fn read(&mut self, c: &Config, tone_ppm: u32, t: u64, paused: bool) -> Option<u8> {
        self.tone_ppm = tone_ppm;
        self.updated_at = t;
        self.shutdown_streak = streak(self.shutdown_streak, tone_ppm >= c.shutdown_enter_ppm);
        self.danger_streak = streak(self.danger_streak, tone_ppm >= c.danger_enter_ppm);
        self.safe_streak = streak(self.safe_streak, !paused && tone_ppm <= c.safe_return_ppm);
        let to = match self.state {
            SAFE if self.shutdown_streak >= c.shutdown_readings => SHUTDOWN,
            SAFE if self.danger_streak >= c.danger_readings => DANGER,
            DANGER if self.shutdown_streak >= c.shutdown_readings => SHUTDOWN,
            DANGER
                if self.safe_streak >= c.safe_readings
                    && t >= self.entered_at.saturating_add(u64::from(c.min_dwell)) =>
            {
                SAFE
            }
            other => other,
        };
        if to == self.state {
            return None;
        }
        let from = self.state;
        self.state = to;
        self.entered_at = t;
        self.count_shutdown();
        Some(from)
    }

    /// The governance override: new state, streaks cleared. Out of SHUTDOWN only while the
    /// shutdown epoch can still count the next entry.
    pub fn set_override(&mut self, id: u64, to: u8, t: u64) -> Result<(), ContractError> {
        if self.state == SHUTDOWN && self.shutdown_epoch == MAX_SHUTDOWN_EPOCH {
            return Err(ContractError::ShutdownEpochExhausted { executor_id: id });
        }
        self.state = to;
        self.entered_at = t;
        self.danger_streak = 0;
        self.shutdown_streak = 0;
        self.safe_streak = 0;
        self.count_shutdown();
        Ok(())
    }

    /// Never saturates in practice: SHUTDOWN is left only by `set_override`, which refuses
    /// at the maximum.
    fn count_shutdown(&mut self) {
        if self.state == SHUTDOWN {
            self.shutdown_epoch = self.shutdown_epoch.saturating_add(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            danger_enter_ppm: 600_000,
            shutdown_enter_ppm: 900_000,
            safe_return_ppm: 400_000,
            danger_readings: 2,
            shutdown_readings: 2,
            safe_readings: 3,
            min_dwell: 60,
        }
    }

    #[test]
    fn thresholds_are_inclusive_and_escalation_ignores_dwell() {
        let c = config();
        let mut e = Executor::default();
        assert_eq!(e.read(&c, 600_000, 10, false), None);
        assert_eq!(e.read(&c, 600_000, 11, false), Some(SAFE));
        assert_eq!((e.state, e.entered_at), (DANGER, 11));
        assert_eq!(e.read(&c, 900_000, 12, false), None);
        // One second after entering DANGER: the dwell does not delay escalation.
        assert_eq!(e.read(&c, 1_000_000, 12, false), Some(DANGER));
        assert_eq!(e.state, SHUTDOWN);
        for t in 13..20 {
            assert_eq!(
                e.read(&c, 0, t, false),
                None,
                "readings never leave SHUTDOWN"
            );
        }
    }

    #[test]
    fn relaxing_waits_for_the_dwell_inclusive() {
        let c = config();
        let mut e = Executor {
            state: DANGER,
            entered_at: 100,
            ..Default::default()
        };
        assert_eq!(e.read(&c, 400_000, 150, false), None);
        assert_eq!(e.read(&c, 400_000, 155, false), None);
        assert_eq!(
            e.read(&c, 400_000, 159, false),
            None,
            "streak 3 but t < 160"
        );
        assert_eq!(e.read(&c, 400_000, 160, false), Some(DANGER));
        assert_eq!(e.state, SAFE);
        assert_eq!(e.safe_streak, 4, "streaks are not reset by a transition");
    }

    #[test]
    fn paused_readings_escalate_but_never_relax() {
        let c = config();
        let mut e = Executor {
            state: DANGER,
            entered_at: 100,
            safe_streak: 2,
            ..Default::default()
        };
        for t in 200..210 {
            assert_eq!(e.read(&c, 0, t, true), None, "no relaxation while paused");
            assert_eq!(e.safe_streak, 0, "a paused reading resets the safe streak");
        }
        // After the unpause the streak starts from zero: three fresh readings.
        assert_eq!(e.read(&c, 0, 210, false), None);
        assert_eq!(e.read(&c, 0, 211, false), None);
        assert_eq!(e.read(&c, 0, 212, false), Some(DANGER));
        // Escalation is unchanged by the pause.
        assert_eq!(e.read(&c, 950_000, 213, true), None);
        assert_eq!(e.read(&c, 950_000, 214, true), Some(SAFE));
        assert_eq!(e.state, SHUTDOWN);
    }

    #[test]
    fn validation_order_is_thresholds_counts_dwell() {
        let mut c = config();
        c.safe_return_ppm = 600_000;
        c.danger_readings = 0;
        assert_eq!(validate_config(&c).unwrap_err().code(), 4001);
        c.safe_return_ppm = 1;
        c.shutdown_readings = 1001;
        c.min_dwell = 2_592_001;
        assert_eq!(
            validate_config(&c).unwrap_err(),
            ContractError::InvalidReadingCount { value: 0 }
        );
        c.danger_readings = 1;
        assert_eq!(
            validate_config(&c).unwrap_err(),
            ContractError::InvalidReadingCount { value: 1001 }
        );
        c.shutdown_readings = 1000;
        assert_eq!(validate_config(&c).unwrap_err().code(), 4003);
    }
}
