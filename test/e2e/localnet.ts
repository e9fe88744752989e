import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

/**
 * The running localnet as the e2e tests see it: `.localnet/env` (or VAGUS_LOCALNET_DIR)
 * and the mode-0600 mnemonic files of its test accounts. Fails, never skips, when the
 * localnet is not up.
 */
export interface Localnet {
  dir: string;
  evmRpc: string;
  wasmRpc: string;
  chainId: string;
  gasPrice: string;
  prefix: string;
  /** name → mnemonic file */
  keyFiles: Record<string, string>;
  /** name → address */
  addresses: Record<string, string>;
  /** Every variable of the env file (wasmd binary, home, chain id, gas price, ...). */
  env: Record<string, string>;
}

export function localnet(): Localnet {
  const root = path.resolve(__dirname, "..", "..");
  const dir = path.resolve(root, process.env.VAGUS_LOCALNET_DIR ?? ".localnet");
  const envFile = path.join(dir, "env");
  if (!existsSync(envFile)) throw new Error(`no ${envFile}: start the localnets (npm run localnet:up)`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(envFile, "utf8").split("\n")) {
    const m = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  const accounts = JSON.parse(readFileSync(env.VAGUS_WASM_ACCOUNTS, "utf8")) as {
    bech32_prefix: string;
    accounts: { name: string; address: string; mnemonic_file: string }[];
  };
  const keyFiles: Record<string, string> = {};
  const addresses: Record<string, string> = {};
  for (const a of accounts.accounts) {
    keyFiles[a.name] = a.mnemonic_file;
    addresses[a.name] = a.address;
  }
  return {
    dir,
    evmRpc: env.VAGUS_EVM_RPC,
    wasmRpc: env.VAGUS_WASM_RPC,
    chainId: env.VAGUS_WASM_CHAIN_ID,
    gasPrice: env.VAGUS_WASM_GAS_PRICE,
    prefix: accounts.bech32_prefix,
    keyFiles,
    addresses,
    env,
  };
}

export function mnemonicOf(net: Localnet, name: string): string {
  return readFileSync(net.keyFiles[name], "utf8").trim();
}
