//! Validation of a `Config` (spec/circuit-breaker.md).

use crate::error::ContractError;
use crate::msg::Config;

pub const MAX_FAILURE_THRESHOLD: u32 = 1000;
pub const MAX_COOLDOWN: u32 = 2_592_000;
pub const MAX_PROBES: u32 = 1000;

/// Checks F, C, P, then S (against P), in that order.
pub fn validate(config: &Config) -> Result<(), ContractError> {
    let Config {
        failure_threshold,
        cooldown,
        half_open_max_probes,
        success_threshold,
    } = *config;
    if failure_threshold == 0 || failure_threshold > MAX_FAILURE_THRESHOLD {
        return Err(ContractError::InvalidFailureThreshold {
            value: failure_threshold,
        });
    }
    if cooldown == 0 || cooldown > MAX_COOLDOWN {
        return Err(ContractError::InvalidCooldown { value: cooldown });
    }
    if half_open_max_probes == 0 || half_open_max_probes > MAX_PROBES {
        return Err(ContractError::InvalidProbeLimit {
            value: half_open_max_probes,
        });
    }
    if success_threshold == 0 || success_threshold > half_open_max_probes {
        return Err(ContractError::InvalidSuccessThreshold {
            value: success_threshold,
            half_open_max_probes,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(f: u32, c: u32, p: u32, s: u32) -> Config {
        Config {
            failure_threshold: f,
            cooldown: c,
            half_open_max_probes: p,
            success_threshold: s,
        }
    }

    #[test]
    fn checks_in_spec_order_with_inclusive_bounds() {
        assert_eq!(validate(&cfg(0, 0, 0, 0)).unwrap_err().code(), 3001);
        assert_eq!(validate(&cfg(1001, 1, 1, 1)).unwrap_err().code(), 3001);
        assert_eq!(validate(&cfg(1, 0, 0, 0)).unwrap_err().code(), 3002);
        assert_eq!(validate(&cfg(1, 2_592_001, 1, 1)).unwrap_err().code(), 3002);
        assert_eq!(validate(&cfg(1, 1, 0, 0)).unwrap_err().code(), 3003);
        assert_eq!(validate(&cfg(1, 1, 1001, 1)).unwrap_err().code(), 3003);
        assert_eq!(validate(&cfg(1, 1, 1, 0)).unwrap_err().code(), 3004);
        assert_eq!(
            validate(&cfg(1, 1, 2, 3)),
            Err(ContractError::InvalidSuccessThreshold {
                value: 3,
                half_open_max_probes: 2
            })
        );
        validate(&cfg(1000, 2_592_000, 1000, 1000)).unwrap();
        validate(&cfg(1, 1, 1, 1)).unwrap();
    }
}
