//! CapabilityIssuer errors (spec/capability-issuer.json `errors`) and policy denials.

vagus_common::vagus_errors! {
    /// Every error the CapabilityIssuer reverts with: the frame's, then its own (`70xx`).
    pub enum ContractError: frame {
        /// `issue` for an executor never registered.
        7001 UnknownExecutor { executor_id: u64 } => "executor {executor_id} is not registered",
        /// `registerExecutor` twice.
        7002 ExecutorAlreadyRegistered { executor_id: u64 } => "executor {executor_id} is already registered",
        /// The executor is paused (`issue`, `pauseExecutor`).
        7003 ExecutorIsPaused { executor_id: u64 } => "executor {executor_id} is paused",
        /// `unpauseExecutor` of an executor that is not paused.
        7004 ExecutorNotPaused { executor_id: u64 } => "executor {executor_id} is not paused",
        /// `ttl` is 0 or above `max_ttl`.
        7005 InvalidTtl { ttl: u32, max_ttl: u32 } => "ttl {ttl} s is outside 1..={max_ttl}",
        /// `not_before > not_after`.
        7006 InvalidWindow { not_before: u64, not_after: u64 } => "not_before {not_before} is after not_after {not_after}",
        /// The block time is before `not_before`.
        7007 IntentNotYetValid { not_before: u64 } => "the intent is valid from {not_before}",
        /// The block time is after `not_after`.
        7008 IntentExpired { not_after: u64 } => "the intent expired at {not_after}",
        /// A nonce not above the executor's last.
        7009 NonceReplayed { executor_id: u64, nonce: u64, last_nonce: u64 } => "executor {executor_id}: nonce {nonce} is not above the last processed nonce {last_nonce}",
        /// No token with this id.
        7010 UnknownToken { token_id: String } => "token {token_id} does not exist",
        /// `revoke` of a revoked token.
        7011 AlreadyRevoked { token_id: String } => "token {token_id} is already revoked",
        /// `reportOutcome` twice for one token.
        7014 OutcomeAlreadyReported { token_id: String } => "the outcome of token {token_id} was already reported",
        /// `max_ttl` outside 1..=2592000.
        7015 InvalidMaxTtl { value: u32 } => "max_ttl {value} s is outside 1..=2592000",
        /// A nonce more than `max_nonce_step` past the executor's last.
        7016 NonceTooFar { executor_id: u64, nonce: u64, last_nonce: u64, max_nonce_step: u32 } => "executor {executor_id}: nonce {nonce} > {last_nonce} + {max_nonce_step}",
        /// `max_nonce_step` is 0.
        7017 InvalidMaxNonceStep { value: u32 } => "max_nonce_step {value} < 1",
    }
}

/// Denial code: the inbox's latest root is zero or not the intent's pre-state root.
pub const STATE_ROOT_MISMATCH: u16 = 7100;
/// Denial code: the ANS guard of the executor's state does not allow issuance.
pub const ANS_BLOCKED: u16 = 7101;
/// The rate limiter's and the breaker's denial codes, as `IssueDenied` carries them.
pub const RATE_LIMITED: u16 = 2100;
pub const BREAKER_OPEN: u16 = 3100;
pub const PROBE_LIMIT_REACHED: u16 = 3101;

/// Every policy denial of the CapabilityIssuer itself: `(name, code)`.
pub const DENIALS: &[(&str, u16)] = &[
    ("StateRootMismatch", STATE_ROOT_MISMATCH),
    ("AnsBlocked", ANS_BLOCKED),
];
