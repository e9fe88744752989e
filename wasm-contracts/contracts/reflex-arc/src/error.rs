//! ReflexArc errors (spec/reflex-arc.json `errors`).

vagus_common::vagus_errors! {
    /// Every error the ReflexArc reverts with: the frame's, then its own (`80xx`).
    pub enum ContractError: frame {
        /// A cooldown above 30 days.
        8001 InvalidCooldown { value: u32 } => "cooldown {value} s is above 2592000",
        /// A risk threshold above 1,000,000 ppm.
        8002 InvalidRiskThreshold { value: u32 } => "risk threshold {value} ppm is above 1000000",
        /// A state number above 2 in a transition notification.
        8003 InvalidState { value: u8 } => "state {value} is not 0 (SAFE), 1 (DANGER) or 2 (SHUTDOWN)",
        /// A reflex fired with no issuer link.
        8004 IssuerNotSet {} => "the issuer link is not set",
    }
}
