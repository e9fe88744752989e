import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

import { startEmbeddedEvm, type Eip1193Provider, type RpcEvmChain } from "../chains/evm";
import { EngineClient, defaultEngineBin, type EngineOptions } from "../chains/wasm";
import { loadSpec, type Spec } from "../spec";

/** The embedded dual-chain devnet: Hardhat's in-process EVM and the CosmWasm engine. */
export interface Devnet {
  spec: Spec;
  evm: RpcEvmChain;
  wasm: EngineClient;
  close(): Promise<void>;
}

const ROOT = path.resolve(__dirname, "..", "..");

/**
 * The engine binary, built with cargo when it is missing (minutes on a cold cache) unless
 * `VAGUS_WASM_ENGINE_BIN` names one.
 */
export function ensureEngineBinary(log: (line: string) => void = () => undefined): string {
  const bin = defaultEngineBin();
  if (existsSync(bin)) return bin;
  if (process.env.VAGUS_WASM_ENGINE_BIN) throw new Error(`VAGUS_WASM_ENGINE_BIN=${bin} does not exist`);
  log(`building the embedded CosmWasm engine (cargo build -p vagus-wasm-engine) ...`);
  execFileSync("cargo", ["build", "-p", "vagus-wasm-engine", "--locked"], { cwd: ROOT, stdio: "inherit" });
  if (!existsSync(bin)) throw new Error(`cargo build did not produce ${bin}`);
  return bin;
}

/**
 * Starts both embedded chains. `evmProvider` is Hardhat's in-process network (a task
 * passes `hre.network.provider`); without it the Hardhat runtime is loaded.
 */
export async function startDevnet(
  opts: { engine?: EngineOptions; spec?: Spec; evmProvider?: Eip1193Provider } = {},
): Promise<Devnet> {
  const spec = opts.spec ?? loadSpec();
  const evm = await startEmbeddedEvm({ provider: opts.evmProvider });
  const wasm = await EngineClient.start({ time: spec.timeOrigin, ...opts.engine });
  return {
    spec,
    evm,
    wasm,
    close: async () => {
      await Promise.all([evm.close(), wasm.close()]);
    },
  };
}
