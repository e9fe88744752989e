//! Errors as wasmd reports them: a kind, the ABCI codespace and code of the root cause,
//! wasmd's wrapped log text, and the message a client decodes — for a contract error, the
//! contract's own text, unchanged (`vagus:<code> <Name>: …` for this project's contracts).

use std::fmt;

use serde::Serialize;

/// What went wrong, for a client that branches on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The contract returned an error (its text is `message`).
    Contract,
    /// The gas limit was reached.
    OutOfGas,
    /// The VM failed: trap, panic, invalid response, static validation.
    Vm,
    /// The sender may not do this (migrate without being the admin).
    Unauthorized,
    /// No such contract or code.
    NotFound,
    /// A malformed request or response (address, label, event, message).
    Invalid,
    /// A message or feature the engine does not implement (bank messages, funds, …).
    Unsupported,
}

/// An error of an engine operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EngineError {
    pub kind: ErrorKind,
    /// For [`ErrorKind::Contract`], the root contract error exactly as the contract rendered
    /// it (even when it happened in a sub-message); otherwise a description.
    pub message: String,
    /// ABCI codespace of the root cause (`wasm` or `sdk`).
    pub codespace: &'static str,
    /// ABCI code of the root cause (wasm 4 instantiate, 5 execute, 9 query, 11 migrate
    /// failed; sdk 4 unauthorized, 11 out of gas; …).
    pub code: u32,
    /// wasmd's full error text, wrapping included (`dispatch: submessages: …`).
    pub log: String,
    /// wasmd marks a contract's own error deterministic; sub-message replies see only
    /// deterministic errors in full, any other error redacted to its codespace and code.
    #[serde(skip)]
    deterministic: bool,
    /// An out-of-gas panic: aborts the whole transaction whatever `reply_on` says.
    #[serde(skip)]
    pub(crate) fatal: bool,
}

impl EngineError {
    fn new(
        kind: ErrorKind,
        codespace: &'static str,
        code: u32,
        message: String,
        log: String,
    ) -> Self {
        EngineError {
            kind,
            message,
            codespace,
            code,
            log,
            deterministic: false,
            fatal: false,
        }
    }

    /// The contract returned `Err(msg)`; `code`/`what` name the wasmd error it is wrapped in
    /// (5 "execute wasm contract failed", 4 instantiate, 9 query, 11 migrate).
    pub(crate) fn contract(msg: String, code: u32, what: &str) -> Self {
        let log = format!("{msg}: {what}");
        EngineError {
            deterministic: true,
            ..Self::new(ErrorKind::Contract, "wasm", code, msg, log)
        }
    }

    pub(crate) fn execute_failed(msg: String) -> Self {
        Self::contract(msg, 5, "execute wasm contract failed")
    }

    pub(crate) fn out_of_gas() -> Self {
        EngineError {
            fatal: true,
            ..Self::new(
                ErrorKind::OutOfGas,
                "sdk",
                11,
                "out of gas".into(),
                "out of gas".into(),
            )
        }
    }

    pub(crate) fn vm(err: impl fmt::Display) -> Self {
        let msg = err.to_string();
        let log = format!("{msg}: wasmvm error");
        Self::new(ErrorKind::Vm, "wasm", 29, msg, log)
    }

    pub(crate) fn unauthorized(what: &str) -> Self {
        Self::new(
            ErrorKind::Unauthorized,
            "sdk",
            4,
            format!("{what}: unauthorized"),
            format!("{what}: unauthorized"),
        )
    }

    pub(crate) fn no_such_contract(addr: &str) -> Self {
        let msg = format!("no such contract: {addr}");
        Self::new(ErrorKind::NotFound, "wasm", 22, msg.clone(), msg)
    }

    pub(crate) fn no_such_code(code_id: u64) -> Self {
        let msg = format!("no such code: {code_id}");
        Self::new(ErrorKind::NotFound, "wasm", 28, msg.clone(), msg)
    }

    pub(crate) fn invalid_request(what: impl fmt::Display) -> Self {
        let msg = format!("{what}: invalid request");
        Self::new(ErrorKind::NotFound, "sdk", 18, msg.clone(), msg)
    }

    pub(crate) fn invalid_address(addr: &str, why: impl fmt::Display) -> Self {
        let msg = format!("{addr}: {why}: invalid address");
        Self::new(ErrorKind::Invalid, "sdk", 7, msg.clone(), msg)
    }

    pub(crate) fn invalid(what: impl fmt::Display) -> Self {
        let msg = format!("{what}: invalid");
        Self::new(ErrorKind::Invalid, "wasm", 14, msg.clone(), msg)
    }

    pub(crate) fn invalid_event(what: impl fmt::Display) -> Self {
        let msg = format!("{what}: invalid event");
        Self::new(ErrorKind::Invalid, "wasm", 21, msg.clone(), msg)
    }

    pub(crate) fn unsupported(what: impl fmt::Display) -> Self {
        let msg = format!("{what}: unknown message from the contract");
        Self::new(ErrorKind::Unsupported, "wasm", 20, msg.clone(), msg)
    }

    /// wasmd's `errorsmod.Wrap(err, ctx)`: prefixes the log; the result is no longer the
    /// contract's deterministic error itself.
    pub(crate) fn wrap(mut self, ctx: &str) -> Self {
        self.log = format!("{ctx}: {}", self.log);
        self.deterministic = false;
        self
    }

    /// The error text a reply receives (wasmd `redactError`).
    pub(crate) fn redacted(&self) -> String {
        if self.deterministic {
            self.log.clone()
        } else {
            format!("codespace: {}, code: {}", self.codespace, self.code)
        }
    }
}

impl fmt::Display for EngineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for EngineError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_see_a_direct_contract_error_in_full_and_anything_wrapped_redacted() {
        let e = EngineError::execute_failed("vagus:2001 ZeroWindow: w".into());
        assert_eq!(e.to_string(), "vagus:2001 ZeroWindow: w");
        assert_eq!(
            e.redacted(),
            "vagus:2001 ZeroWindow: w: execute wasm contract failed"
        );
        let wrapped = e.wrap("submessages");
        assert_eq!(wrapped.message, "vagus:2001 ZeroWindow: w");
        assert_eq!(wrapped.redacted(), "codespace: wasm, code: 5");
        assert_eq!(
            EngineError::out_of_gas().redacted(),
            "codespace: sdk, code: 11"
        );
    }
}
