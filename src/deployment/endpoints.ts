import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { startEmbeddedEvm, startJsonRpcEvm, type EvmChain } from "../chains/evm";
import { CosmjsChain, type WasmChain } from "../chains/wasm";
import { resolveConfig, wasmMnemonic, type DeployConfig } from "./config";
import { DeployError } from "./errors";

/**
 * The chains a procedure acts on, opened from the deployment's configuration: every
 * procedure (deploy, verify, governance, monitoring) gets its `EvmChain` and `WasmChain`
 * here and acts only through those interfaces.
 */

/** The EVM side of a procedure: the chain, its network name and the account it sends from. */
export interface EvmEndpoint {
  chain: EvmChain;
  network: string;
  chainId: string;
  /** The account it sends from; NO_SIGNER when opened read-only without a key. */
  deployer: string;
}

/** The deployer of a read-only endpoint that has no account (a dry run, a verification). */
export const NO_SIGNER = "<no key: read-only>";

/**
 * The EVM side of a procedure from Hardhat's runtime: an `EvmChain` on its network
 * (the in-process one embedded, any other over JSON-RPC with the network's configured
 * keys, or the node's unlocked accounts when it has none) and its first account.
 */
export async function evmEndpointFromHre(
  hre: HardhatRuntimeEnvironment,
  opts: { readOnly?: boolean } = {},
): Promise<EvmEndpoint> {
  const net = hre.network;
  const chain =
    net.name === "hardhat"
      ? await startEmbeddedEvm({ provider: net.provider })
      : await startJsonRpcEvm({
          url: "url" in net.config ? net.config.url : "",
          privateKeys: Array.isArray(net.config.accounts) ? (net.config.accounts as string[]) : undefined,
        }).catch((err: unknown) => {
          throw new DeployError(`cannot reach the EVM network ${net.name}`, {
            step: "connect",
            chain: net.name,
            hint: net.name === "localhost" ? "start the localnets: npm run localnet:up" : "check the network's RPC URL",
            cause: err,
          });
        });
  // A public node may not serve eth_accounts at all; a read-only run needs no account.
  const [deployer] = await chain.accounts().catch((err: unknown) => {
    if (opts.readOnly) return [] as string[];
    throw err;
  });
  if (!deployer && opts.readOnly) {
    return { chain, network: net.name, chainId: (await chain.block()).chainId.toString(), deployer: NO_SIGNER };
  }
  if (!deployer) {
    await chain.close();
    throw new DeployError(`no deployer account on ${net.name}`, { step: "connect", hint: "set DEPLOYER_PRIVATE_KEY" });
  }
  return { chain, network: net.name, chainId: (await chain.block()).chainId.toString(), deployer };
}

/** The deployment config of the Hardhat network in use. */
export function configFromHre(
  hre: HardhatRuntimeEnvironment,
  env: NodeJS.ProcessEnv = process.env,
  opts: { requireKey?: boolean } = {},
): DeployConfig {
  const url = "url" in hre.network.config ? hre.network.config.url : undefined;
  return resolveConfig({ evmNetwork: hre.network.name, evmUrl: url, env, requireKey: opts.requireKey });
}

/**
 * The CosmWasm chain of the deployment's network: with the deployer key (`signer: true`),
 * or read-only (verification needs no key).
 */
export async function connectWasmChain(
  cfg: DeployConfig,
  opts: { signer: boolean; env?: NodeJS.ProcessEnv; log?: (line: string) => void; step?: string },
): Promise<WasmChain> {
  try {
    return await CosmjsChain.connect({
      rpc: cfg.wasm.rpc,
      chainId: cfg.wasm.chainId,
      prefix: cfg.wasm.prefix,
      gasPrice: cfg.wasm.gasPrice,
      signers: opts.signer ? [{ name: "deployer", mnemonic: wasmMnemonic(cfg, opts.env ?? process.env) }] : [],
      log: opts.log,
    });
  } catch (err) {
    throw new DeployError(`cannot connect to ${cfg.wasm.name}`, {
      step: opts.step ?? "connect",
      chain: `${cfg.wasm.name} ${cfg.wasm.rpc}`,
      hint: cfg.wasm.local
        ? "start the localnets: npm run localnet:up"
        : `check ${cfg.wasm.rpcEnv ?? "the RPC URL"} and that the node runs ${cfg.wasm.chainId}`,
      cause: err,
    });
  }
}
