//! ANSStateManager errors (spec/ans.json `errors`).

vagus_common::vagus_errors! {
    /// Every error the ANSStateManager reverts with: the frame's, then its own (`40xx`).
    pub enum ContractError: frame {
        /// Thresholds not ordered `safe_return < danger_enter <= shutdown_enter <= 1e6`.
        4001 InvalidThresholds { safe_return_ppm: u32, danger_enter_ppm: u32, shutdown_enter_ppm: u32 } => "thresholds must satisfy safe_return {safe_return_ppm} < danger_enter {danger_enter_ppm} <= shutdown_enter {shutdown_enter_ppm} <= 1000000",
        /// A reading count outside 1..=1000.
        4002 InvalidReadingCount { value: u32 } => "reading count {value} is outside 1..=1000",
        /// `min_dwell` above 30 days.
        4003 InvalidDwell { value: u32 } => "min_dwell {value} s is above 2592000",
        /// A guard factor above 10000 bp.
        4004 InvalidGuardFactor { value: u16 } => "guard factor {value} bp is above 10000",
        /// A SHUTDOWN guard that allows issuance.
        4005 ShutdownMustBlock {} => "the SHUTDOWN guard must not allow issuance",
        /// A state number above 2.
        4006 InvalidState { value: u8 } => "state {value} is not 0 (SAFE), 1 (DANGER) or 2 (SHUTDOWN)",
        /// A tone above 1,000,000 ppm.
        4007 InvalidTone { value: u32 } => "tone {value} ppm is above 1000000",
        /// An override to the state the executor is already in.
        4010 StateUnchanged { state: u8 } => "the executor is already in state {state}",
        /// An override out of SHUTDOWN once the shutdown epoch is at its maximum.
        4011 ShutdownEpochExhausted { executor_id: u64 } => "executor {executor_id} has entered SHUTDOWN 4294967295 times and stays in it",
    }
}
