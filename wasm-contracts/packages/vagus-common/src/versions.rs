//! The release version of every contract, recorded in cw2 at instantiate and migrate; the
//! same string the EVM contracts answer from `version()`.
//! Generated from the `version` of each spec/*.json component file by src/release/versions.ts
//! (`npx ts-node --transpile-only scripts/gen-versions.ts`); do not edit.

/// AfferentInbox (spec/afferent-inbox.json).
pub const AFFERENT_INBOX: &str = "0.1.0";

/// ANSStateManager (spec/ans.json).
pub const ANS_STATE_MANAGER: &str = "0.1.0";

/// CapabilityIssuer (spec/capability-issuer.json).
pub const CAPABILITY_ISSUER: &str = "0.1.0";

/// CircuitBreaker (spec/circuit-breaker.json).
pub const CIRCUIT_BREAKER: &str = "0.1.0";

/// RateLimiter (spec/rate-limiter.json).
pub const RATE_LIMITER: &str = "0.1.0";

/// ReflexArc (spec/reflex-arc.json).
pub const REFLEX_ARC: &str = "0.1.0";

/// Timelock (spec/timelock.json).
pub const TIMELOCK: &str = "0.1.0";

/// VagalBrake (spec/vagal-brake.json).
pub const VAGAL_BRAKE: &str = "0.1.0";
