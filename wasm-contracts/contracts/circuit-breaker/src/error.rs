//! CircuitBreaker errors (spec/circuit-breaker.json `errors`) and policy denials (`denials`).

vagus_common::vagus_errors! {
    /// Every error the CircuitBreaker reverts with: the frame's, then its own (`30xx`).
    pub enum ContractError: frame {
        /// `failure_threshold` is 0 or greater than MAX_FAILURE_THRESHOLD.
        3001 InvalidFailureThreshold { value: u32 } => "failure_threshold {value} is outside 1..=1000",
        /// `cooldown` is 0 or greater than MAX_COOLDOWN.
        3002 InvalidCooldown { value: u32 } => "cooldown {value} s is outside 1..=2592000",
        /// `half_open_max_probes` is 0 or greater than MAX_PROBES.
        3003 InvalidProbeLimit { value: u32 } => "half_open_max_probes {value} is outside 1..=1000",
        /// `success_threshold` is 0 or greater than `half_open_max_probes`.
        3004 InvalidSuccessThreshold { value: u32, half_open_max_probes: u32 } => "success_threshold {value} is outside 1..={half_open_max_probes} (half_open_max_probes); the breaker could never close",
        /// A guardian transition to the (effective) state the breaker is already in.
        3005 AlreadyInState { state: u8 } => "the breaker is already in state {state}",
        /// `force_half_open` from CLOSED.
        3006 InvalidTransition { from: u8, to: u8 } => "no guardian transition from state {from} to state {to}",
    }
}

/// Denial code of a request while the breaker is OPEN (not a revert).
pub const BREAKER_OPEN: u16 = 3100;
/// Denial code of a request while HALF_OPEN with every probe already admitted.
pub const PROBE_LIMIT_REACHED: u16 = 3101;

/// Every policy denial of the CircuitBreaker: `(name, code)`.
pub const DENIALS: &[(&str, u16)] = &[
    ("BreakerOpen", BREAKER_OPEN),
    ("ProbeLimitReached", PROBE_LIMIT_REACHED),
];
