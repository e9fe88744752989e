//! VagalBrake errors (spec/vagal-brake.json `errors`) and policy denials (`denials`).

vagus_common::vagus_errors! {
    /// Every error the VagalBrake reverts with: the frame's, then its own (`60xx`).
    pub enum ContractError: frame {
        /// A schema with 0 or more than 8 parameters.
        6001 InvalidParamCount { count: u32 } => "{count} parameters is outside 1..=8",
        /// A parameter name of 0 or more than 16 bytes.
        6002 InvalidParamName { index: u8 } => "parameter {index}: the name must be 1..=16 bytes",
        /// Names not strictly increasing in canonical CBOR key order.
        6003 ParamOrder { index: u8 } => "parameter {index}: names must be strictly increasing in canonical CBOR key order (shorter first, then bytewise)",
        /// `clearActionSchema` of an action without a schema.
        6004 NoActionSchema { action_id: String } => "action {action_id} has no schema",
        /// A factor above 10000 basis points.
        6005 InvalidFactor { value: u16 } => "factor {value} bp is above 10000",
        /// `values` does not have one entry per schema parameter.
        6006 ParamCountMismatch { expected: u32, got: u32 } => "the schema has {expected} parameters, {got} values were given",
    }
}

/// Denial code: the action has no schema.
pub const ACTION_NOT_CONFIGURED: u16 = 6100;
/// Denial code: a scaled value is above its cap.
pub const BRAKE_CAP_EXCEEDED: u16 = 6101;

/// Every policy denial of the VagalBrake: `(name, code)`.
pub const DENIALS: &[(&str, u16)] = &[
    ("ActionNotConfigured", ACTION_NOT_CONFIGURED),
    ("BrakeCapExceeded", BRAKE_CAP_EXCEEDED),
];
