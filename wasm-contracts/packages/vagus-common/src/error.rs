//! Coded errors: one declaration per contract gives the enum, its `Display`
//! (`vagus:<code> <Name>: <message>`), `code()`, `name()` and the catalog the drift test
//! compares with the spec.

use std::fmt;

use cosmwasm_std::StdError;

/// What every Vagus error enum exposes. The toolkit and the conformance runner only need
/// the code; the catalog lets the drift test list every variant without constructing one.
pub trait CodedError: fmt::Display {
    /// The spec code of this error (`1xxx` frame, `2xxx` RateLimiter, `3xxx` CircuitBreaker).
    fn code(&self) -> u16;
    /// The spec name of this error (the variant name).
    fn name(&self) -> &'static str;
    /// Every error this enum can produce: `(name, code, field names)`, frame errors included.
    fn catalog() -> Vec<ErrorSignature>
    where
        Self: Sized;
}

/// One catalog entry: spec name, code, and the payload field names in declaration order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorSignature {
    pub name: &'static str,
    pub code: u16,
    pub fields: &'static [&'static str],
}

/// Extracts the spec code from any error text that went through a Vagus `Display`
/// (`"... vagus:2001 ZeroWindow: ..."`); `None` when the text carries no code.
pub fn parse_code(text: &str) -> Option<(u16, String)> {
    let start = text.find("vagus:")? + "vagus:".len();
    let rest = &text[start..];
    let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 {
        return None;
    }
    let code = digits.parse().ok()?;
    let name: String = rest[digits.len()..]
        .trim_start_matches(' ')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    Some((code, name))
}

/// Declares a coded error enum.
///
/// ```
/// vagus_common::vagus_errors! {
///     /// Errors of an example component.
///     pub enum ExampleError: frame {
///         2001 ZeroWindow {} => "window must be at least 1 second",
///         2003 InvalidBucketCount { buckets: u8 } => "{buckets} buckets is outside 1..=64",
///     }
/// }
/// let err = ExampleError::InvalidBucketCount { buckets: 0 };
/// assert_eq!(err.to_string(), "vagus:2003 InvalidBucketCount: 0 buckets is outside 1..=64");
/// assert_eq!(err.code(), 2003);
/// ```
///
/// With `: frame` the enum also gets a `Frame(FrameError)` variant (transparent: it shows
/// and reports the frame error's own code), `From<FrameError>` and `From<StdError>`, and
/// its catalog starts with the frame's. Messages may name the variant's fields (`{buckets}`).
#[macro_export]
macro_rules! vagus_errors {
    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident : frame {
            $(
                $(#[$vmeta:meta])*
                $code:literal $Variant:ident { $($field:ident : $fty:ty),* $(,)? } => $msg:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        $vis enum $Enum {
            /// An error of the shared contract frame (roles, pause, ids, migration, std).
            Frame($crate::error::FrameError),
            /// An error of another Vagus contract this one called, reported with that
            /// contract's code (not part of this contract's catalog).
            Callee($crate::error::CalleeError),
            $( $(#[$vmeta])* $Variant { $($field: $fty),* }, )*
        }

        impl $Enum {
            /// This component's own errors (frame errors excluded).
            pub const OWN_CATALOG: &'static [$crate::error::ErrorSignature] = &[
                $( $crate::error::ErrorSignature {
                    name: stringify!($Variant),
                    code: $code,
                    fields: &[$(stringify!($field)),*],
                } ),*
            ];

            /// The spec code of this error.
            pub fn code(&self) -> u16 {
                match self {
                    Self::Frame(e) => e.code(),
                    Self::Callee(e) => e.code,
                    $( Self::$Variant { .. } => $code, )*
                }
            }

            /// The spec name of this error.
            pub fn name(&self) -> &'static str {
                match self {
                    Self::Frame(e) => e.name(),
                    Self::Callee(e) => e.name,
                    $( Self::$Variant { .. } => stringify!($Variant), )*
                }
            }
        }

        impl $crate::error::CodedError for $Enum {
            fn code(&self) -> u16 {
                $Enum::code(self)
            }
            fn name(&self) -> &'static str {
                $Enum::name(self)
            }
            fn catalog() -> ::std::vec::Vec<$crate::error::ErrorSignature> {
                let mut all = $crate::error::FrameError::CATALOG.to_vec();
                all.extend_from_slice(Self::OWN_CATALOG);
                all
            }
        }

        impl ::core::fmt::Display for $Enum {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    Self::Frame(e) => ::core::fmt::Display::fmt(e, f),
                    Self::Callee(e) => ::core::fmt::Display::fmt(e, f),
                    $(
                        #[allow(unused_variables)]
                        Self::$Variant { $($field),* } => {
                            write!(f, "vagus:{} {}: ", $code, stringify!($Variant))?;
                            write!(f, $msg)
                        }
                    )*
                }
            }
        }

        impl ::std::error::Error for $Enum {}

        impl ::core::convert::From<$crate::error::FrameError> for $Enum {
            fn from(e: $crate::error::FrameError) -> Self {
                Self::Frame(e)
            }
        }

        impl ::core::convert::From<$crate::cosmwasm_std::StdError> for $Enum {
            fn from(e: $crate::cosmwasm_std::StdError) -> Self {
                Self::Frame($crate::error::FrameError::from(e))
            }
        }
    };

    (
        $(#[$meta:meta])*
        $vis:vis enum $Enum:ident {
            $(
                $(#[$vmeta:meta])*
                $code:literal $Variant:ident { $($field:ident : $fty:ty),* $(,)? } => $msg:literal
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq)]
        $vis enum $Enum {
            $( $(#[$vmeta])* $Variant { $($field: $fty),* }, )*
        }

        impl $Enum {
            /// Every variant: `(name, code, fields)`.
            pub const CATALOG: &'static [$crate::error::ErrorSignature] = &[
                $( $crate::error::ErrorSignature {
                    name: stringify!($Variant),
                    code: $code,
                    fields: &[$(stringify!($field)),*],
                } ),*
            ];

            /// The spec code of this error.
            pub fn code(&self) -> u16 {
                match self {
                    $( Self::$Variant { .. } => $code, )*
                }
            }

            /// The spec name of this error.
            pub fn name(&self) -> &'static str {
                match self {
                    $( Self::$Variant { .. } => stringify!($Variant), )*
                }
            }
        }

        impl $crate::error::CodedError for $Enum {
            fn code(&self) -> u16 {
                $Enum::code(self)
            }
            fn name(&self) -> &'static str {
                $Enum::name(self)
            }
            fn catalog() -> ::std::vec::Vec<$crate::error::ErrorSignature> {
                Self::CATALOG.to_vec()
            }
        }

        impl ::core::fmt::Display for $Enum {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                match self {
                    $(
                        #[allow(unused_variables)]
                        Self::$Variant { $($field),* } => {
                            write!(f, "vagus:{} {}: ", $code, stringify!($Variant))?;
                            write!(f, $msg)
                        }
                    )*
                }
            }
        }

        impl ::std::error::Error for $Enum {}
    };
}

vagus_errors! {
    /// Errors of the contract frame (spec/common.json, wasm stack), shared by every contract.
    pub enum FrameError {
        /// The caller lacks the role the operation requires.
        1001 Unauthorized { account: String, role: String } => "{account} does not hold role {role}",
        /// A liveness operation while paused, or `pause` while already paused.
        1002 Paused {} => "the contract is paused",
        /// `unpause` while not paused.
        1003 NotPaused {} => "the contract is not paused",
        /// A role name this contract does not define.
        1004 UnknownRole { role: String } => "role {role:?} is not defined by this contract",
        /// An address argument is not a valid (normalized) bech32 address.
        1005 InvalidAddress {} => "address is not a valid bech32 address of this chain",
        /// executorId 0 is reserved.
        1006 InvalidExecutorId {} => "executor_id 0 is reserved",
        /// actionId is not 32 bytes or is all zero.
        1007 InvalidActionId {} => "action_id must be 32 bytes and not all zero",
        /// renounceRole's confirmation is not the caller.
        1008 BadRenounceConfirmation {} => "caller_confirmation must be the caller's own address",
        /// The last ADMIN cannot be revoked or renounce.
        1009 LastAdmin {} => "the last admin cannot be removed",
        /// A `reason` argument is the empty string.
        1010 EmptyReason {} => "reason must not be empty",
        /// A `reason` argument is longer than 256 bytes of UTF-8.
        1011 ReasonTooLong { length: u32 } => "reason is {length} bytes long, at most 256 are allowed",
        /// migrate on a contract stored under another cw2 name.
        1201 MigrateWrongContract { stored: String, expected: String } => "cannot migrate {stored} with the code of {expected}",
        /// migrate to an older semver than the stored one.
        1202 MigrateDowngrade { stored: String, new: String } => "cannot migrate from version {stored} down to {new}",
        /// An emergency rollback to a code id the timelock never saw active on that contract.
        1204 RollbackNotApproved {} => "the target was never an active version of this contract under governance",
        /// A rollback migrate whose `to_version` is not the version of the code it runs.
        1205 RollbackVersionMismatch {} => "to_version is not the version of this code",
        /// A rollback to the version already active, or to a newer one.
        1206 NotARollback {} => "the target is not older than the active version",
        /// A cosmwasm-std error (serialization, storage), with its message.
        1203 Std { message: String } => "{message}",
    }
}

/// An error another Vagus contract raised (or would raise) in a call this contract made,
/// carried with the callee's own code. Chains redact a failed nested query's text, so a
/// caller that must report the callee's code rebuilds it from what it can observe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalleeError {
    pub code: u16,
    pub name: &'static str,
    pub message: String,
}

impl fmt::Display for CalleeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "vagus:{} {}: {}", self.code, self.name, self.message)
    }
}

/// `reason` arguments (spec/safety-core.md §0 "Reasons"): 1 ..= 256 bytes of UTF-8.
pub fn validate_reason(reason: &str) -> Result<(), FrameError> {
    match reason.len() {
        0 => Err(FrameError::EmptyReason {}),
        n if n > MAX_REASON_BYTES => Err(FrameError::ReasonTooLong {
            length: u32::try_from(n).unwrap_or(u32::MAX),
        }),
        _ => Ok(()),
    }
}

/// Longest `reason` accepted, in bytes.
pub const MAX_REASON_BYTES: usize = 256;

impl From<StdError> for FrameError {
    fn from(e: StdError) -> Self {
        FrameError::Std {
            message: e.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    vagus_errors! {
        enum Sample: frame {
            2003 InvalidBucketCount { buckets: u8 } => "{buckets} is outside 1..=64",
            2004 WindowNotDivisible { window: u32, buckets: u8 } => "{buckets} does not divide {window}",
        }
    }

    #[test]
    fn display_starts_with_code_and_name() {
        let e = Sample::WindowNotDivisible {
            window: 60,
            buckets: 7,
        };
        assert_eq!(
            e.to_string(),
            "vagus:2004 WindowNotDivisible: 7 does not divide 60"
        );
        assert_eq!((e.code(), e.name()), (2004, "WindowNotDivisible"));
        let e = Sample::InvalidBucketCount { buckets: 65 };
        assert_eq!(
            e.to_string(),
            "vagus:2003 InvalidBucketCount: 65 is outside 1..=64"
        );
    }

    #[test]
    fn frame_variant_is_transparent() {
        let e = Sample::from(FrameError::Paused {});
        assert_eq!(e.code(), 1002);
        assert_eq!(e.name(), "Paused");
        assert!(e.to_string().starts_with("vagus:1002 Paused"));
        let std = Sample::from(StdError::generic_err("boom"));
        assert_eq!(std.code(), 1203);
        assert!(std.to_string().starts_with("vagus:1203 Std: "));
    }

    #[test]
    fn callee_errors_keep_the_callees_code_and_stay_out_of_the_catalog() {
        let e = Sample::Callee(CalleeError {
            code: 6006,
            name: "ParamCountMismatch",
            message: "2 != 3".into(),
        });
        assert_eq!((e.code(), e.name()), (6006, "ParamCountMismatch"));
        assert_eq!(e.to_string(), "vagus:6006 ParamCountMismatch: 2 != 3");
        assert!(Sample::catalog().iter().all(|s| s.code != 6006));
    }

    #[test]
    fn reasons_are_one_to_256_bytes() {
        assert_eq!(validate_reason(""), Err(FrameError::EmptyReason {}));
        validate_reason("x").unwrap();
        validate_reason(&"é".repeat(128)).unwrap();
        assert_eq!(
            validate_reason(&"é".repeat(129)),
            Err(FrameError::ReasonTooLong { length: 258 })
        );
    }

    #[test]
    fn catalog_lists_frame_then_own_errors() {
        let all = Sample::catalog();
        assert_eq!(all.len(), FrameError::CATALOG.len() + 2);
        assert_eq!(all[0].name, "Unauthorized");
        let last = all.last().unwrap();
        assert_eq!((last.name, last.code), ("WindowNotDivisible", 2004));
        assert_eq!(last.fields, &["window", "buckets"]);
    }

    #[test]
    fn parse_code_reads_the_prefix_anywhere() {
        assert_eq!(
            parse_code("Error executing WasmMsg: vagus:1001 Unauthorized: x"),
            Some((1001, "Unauthorized".to_string()))
        );
        assert_eq!(parse_code("vagus:12 X"), None);
        assert_eq!(parse_code("plain"), None);
    }
}
