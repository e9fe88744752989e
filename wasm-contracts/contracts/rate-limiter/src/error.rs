//! RateLimiter errors (spec/rate-limiter.json `errors`) and policy denials (`denials`).

vagus_common::vagus_errors! {
    /// Every error the RateLimiter reverts with: the frame's, then its own (`20xx`).
    pub enum ContractError: frame {
        /// `window` is 0.
        2001 ZeroWindow {} => "window must be at least 1 second",
        /// `capacity` is 0.
        2002 ZeroCapacity {} => "capacity must be at least 1",
        /// `buckets` is 0 or greater than MAX_BUCKETS.
        2003 InvalidBucketCount { buckets: u8 } => "{buckets} buckets is outside 1..=64",
        /// `buckets` does not divide `window`.
        2004 WindowNotDivisible { window: u32, buckets: u8 } => "{buckets} buckets do not divide a window of {window} s",
        /// `window` is greater than MAX_WINDOW.
        2005 WindowTooLong { window: u32 } => "a window of {window} s exceeds MAX_WINDOW (2592000 s)",
        /// `clear_pair_config` on a pair without an override.
        2006 NoPairOverride { executor_id: u64, action_id: String } => "pair ({executor_id}, {action_id}) has no override",
        /// `raise_capacity`: capacity outside the caller's range.
        2007 RaiseCapacityOutOfRange { capacity: u32, min_capacity: u32, max_capacity: u32 } => "a raise to {capacity} is outside {min_capacity}..={max_capacity}",
        /// `raise_capacity`: duration 0 or above the caller's longest raise.
        2008 RaiseDurationOutOfRange { duration: u32, max_duration: u32 } => "a raise of {duration} s is outside 1..={max_duration} s",
        /// `restore_capacity` on a pair without an active raise.
        2009 NoActiveRaise { executor_id: u64, action_id: String } => "pair ({executor_id}, {action_id}) has no active raise",
        /// `set_raise_bounds` above MAX_RAISE_PERCENT or MAX_RAISE_DURATION.
        2010 InvalidRaiseBounds { max_percent: u32, max_duration: u32 } => "raise bounds {max_percent}% / {max_duration} s exceed 10000% / 604800 s",
    }
}

/// Denial code of a consumption refused because the window is full (not a revert).
pub const RATE_LIMITED: u16 = 2100;

/// Every policy denial of the RateLimiter: `(name, code)`.
pub const DENIALS: &[(&str, u16)] = &[("RateLimited", RATE_LIMITED)];
