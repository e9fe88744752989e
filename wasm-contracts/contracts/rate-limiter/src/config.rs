//! Validation of a `Config` (spec/rate-limiter.md "Effective configuration").

use crate::error::ContractError;
use crate::msg::Config;

/// MAX_BUCKETS: the largest ring.
pub const MAX_BUCKETS: u8 = 64;
/// MAX_WINDOW: 30 days.
pub const MAX_WINDOW: u32 = 2_592_000;

/// Checks a config in the spec's order: capacity, window, window bound, bucket count,
/// divisibility. The first failing check wins.
pub fn validate(config: &Config) -> Result<(), ContractError> {
    let Config {
        capacity,
        window,
        buckets,
    } = *config;
    if capacity == 0 {
        return Err(ContractError::ZeroCapacity {});
    }
    if window == 0 {
        return Err(ContractError::ZeroWindow {});
    }
    if window > MAX_WINDOW {
        return Err(ContractError::WindowTooLong { window });
    }
    if buckets == 0 || buckets > MAX_BUCKETS {
        return Err(ContractError::InvalidBucketCount { buckets });
    }
    if window % u32::from(buckets) != 0 {
        return Err(ContractError::WindowNotDivisible { window, buckets });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(capacity: u32, window: u32, buckets: u8) -> Config {
        Config {
            capacity,
            window,
            buckets,
        }
    }

    #[test]
    fn first_failing_check_in_spec_order_wins() {
        assert_eq!(validate(&cfg(0, 0, 0)), Err(ContractError::ZeroCapacity {}));
        assert_eq!(validate(&cfg(1, 0, 0)), Err(ContractError::ZeroWindow {}));
        assert_eq!(
            validate(&cfg(1, MAX_WINDOW + 1, 0)),
            Err(ContractError::WindowTooLong {
                window: MAX_WINDOW + 1
            })
        );
        assert_eq!(
            validate(&cfg(1, 7, 0)),
            Err(ContractError::InvalidBucketCount { buckets: 0 })
        );
        assert_eq!(
            validate(&cfg(1, 7, 65)),
            Err(ContractError::InvalidBucketCount { buckets: 65 })
        );
        assert_eq!(
            validate(&cfg(1, 60, 7)),
            Err(ContractError::WindowNotDivisible {
                window: 60,
                buckets: 7
            })
        );
    }

    #[test]
    fn bounds_are_inclusive() {
        validate(&cfg(u32::MAX, MAX_WINDOW, MAX_BUCKETS)).unwrap();
        validate(&cfg(1, 1, 1)).unwrap();
        validate(&cfg(60, 60, 6)).unwrap();
    }
}
