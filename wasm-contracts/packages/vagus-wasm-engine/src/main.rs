//! `vagus-wasm-engine`: the embedded CosmWasm engine as a process.
//!
//! ```text
//! vagus-wasm-engine [serve] [--prefix P] [--chain-id ID] [--height N] [--time SECONDS]
//!                   [--tx-gas-limit SDK_GAS] [--query-gas-limit SDK_GAS]
//! vagus-wasm-engine check [--available-capabilities CSV] <file.wasm>...
//! ```
//!
//! `serve` (the default) answers JSON-lines requests on stdin (README.md); `check` validates
//! and compiles artifacts like `cosmwasm-check` with wasmvm 2.2's capabilities.

use std::io::{stdin, stdout, BufWriter};
use std::process::ExitCode;

use vagus_wasm_engine::{check, protocol, Engine, EngineConfig, WASMVM_2_2_CAPABILITIES};

const USAGE: &str = "usage:
  vagus-wasm-engine [serve] [--prefix P] [--chain-id ID] [--height N] [--time UNIX_SECONDS]
                    [--tx-gas-limit SDK_GAS] [--query-gas-limit SDK_GAS]
      JSON-lines engine on stdin/stdout (see the crate README)
  vagus-wasm-engine check [--available-capabilities CSV] <file.wasm>...
      static validation + compile, like cosmwasm-check (default: wasmvm 2.2 capabilities)
  vagus-wasm-engine --version";

fn fail(msg: &str) -> ExitCode {
    eprintln!("vagus-wasm-engine: {msg}\n{USAGE}");
    ExitCode::from(2)
}

fn parse_u64(flag: &str, v: Option<String>) -> Result<u64, String> {
    v.ok_or_else(|| format!("{flag} needs a value"))?
        .parse()
        .map_err(|e| format!("{flag}: {e}"))
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("--help" | "-h" | "help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some("--version" | "-V") => {
            println!(
                "vagus-wasm-engine {} (cosmwasm-vm 2.2)",
                env!("CARGO_PKG_VERSION")
            );
            return ExitCode::SUCCESS;
        }
        Some("check") => {
            let mut caps = WASMVM_2_2_CAPABILITIES.to_string();
            let mut files = Vec::new();
            let mut it = args.drain(1..);
            while let Some(a) = it.next() {
                match a.as_str() {
                    "--available-capabilities" => match it.next() {
                        Some(c) => caps = c,
                        None => return fail("--available-capabilities needs a value"),
                    },
                    f if f.starts_with("--") => return fail(&format!("unknown flag {f}")),
                    _ => files.push(a),
                }
            }
            if files.is_empty() {
                return fail("check needs at least one .wasm file");
            }
            return if check::run(&files, &caps) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        Some("serve") => {
            args.remove(0);
        }
        _ => {}
    }

    let mut config = EngineConfig::default();
    let mut it = args.into_iter();
    while let Some(flag) = it.next() {
        let r = match flag.as_str() {
            "--prefix" => it
                .next()
                .map(|v| config.prefix = v)
                .ok_or("--prefix needs a value".into()),
            "--chain-id" => it
                .next()
                .map(|v| config.chain_id = v)
                .ok_or("--chain-id needs a value".into()),
            "--height" => parse_u64(&flag, it.next()).map(|v| config.height = v),
            "--time" => parse_u64(&flag, it.next()).and_then(|v| {
                v.checked_mul(1_000_000_000)
                    .map(|n| config.time_nanos = n)
                    .ok_or_else(|| "--time out of range".to_string())
            }),
            "--tx-gas-limit" => parse_u64(&flag, it.next()).map(|v| config.tx_gas_limit = v),
            "--query-gas-limit" => parse_u64(&flag, it.next()).map(|v| config.query_gas_limit = v),
            other => Err(format!("unknown argument {other}")),
        };
        if let Err(e) = r {
            return fail(&e);
        }
    }
    let mut engine = match Engine::new(config) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("vagus-wasm-engine: {e:#}");
            return ExitCode::FAILURE;
        }
    };
    match protocol::serve(&mut engine, stdin().lock(), BufWriter::new(stdout().lock())) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vagus-wasm-engine: {e}");
            ExitCode::FAILURE
        }
    }
}
