//! AfferentInbox errors (spec/afferent-inbox.json `errors`).

vagus_common::vagus_errors! {
    /// Every error the AfferentInbox reverts with: the frame's, then its own (`50xx`).
    pub enum ContractError: frame {
        /// The state root is zero (or not 32 bytes).
        5001 InvalidStateRoot {} => "state_root must be 32 bytes and not all zero",
        /// A risk above 1,000,000 ppm.
        5002 InvalidRisk { value: u32 } => "risk {value} ppm is above 1000000",
        /// A sequence not above the executor's latest.
        5003 StaleSequence { sequence: u64, latest_sequence: u64 } => "sequence {sequence} is not above the latest {latest_sequence}",
    }
}
