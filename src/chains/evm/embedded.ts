import { toBeHex } from "ethers";

import { RpcEvmChain, type UnsignedTx } from "./rpc-chain";
import { EvmChainError } from "../types";

/** What the embedded backend needs of Hardhat's in-process network: an EIP-1193 provider. */
export interface Eip1193Provider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}

export interface EmbeddedEvmOptions {
  /** The provider (default: the `hardhat` network of the running Hardhat runtime). */
  provider?: Eip1193Provider;
  artifactsDir?: string;
  defaultGasLimit?: bigint;
  /** Return values from an `eth_call` of the pending block (default) or a trace (`false`). */
  returnValueFromPendingCall?: boolean;
}

interface HardhatRuntimeLike {
  network: { name: string; provider: Eip1193Provider };
}

/** Hardhat's in-process network, loading the Hardhat runtime when nothing loaded it yet. */
export function hardhatInProcessProvider(): Eip1193Provider {
  // Loaded lazily: the node backend and plain scripts must not pay for Hardhat.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hre = require("hardhat") as HardhatRuntimeLike;
  if (hre.network.name !== "hardhat") {
    throw new EvmChainError(
      `the embedded EVM is Hardhat's in-process network, but this runtime uses --network ${hre.network.name}; ` +
        "use the JSON-RPC backend (startJsonRpcEvm) for a node",
      { kind: "invalid", op: "start" },
    );
  }
  return hre.network.provider;
}

/**
 * The embedded EVM backend: Hardhat's in-process network (no server). Its accounts are
 * unlocked, so transactions go through `eth_sendTransaction` with no signing in
 * JavaScript; each is mined on its own (automine), at the time set by `setNextBlockTime`.
 */
export async function startEmbeddedEvm(opts: EmbeddedEvmOptions = {}): Promise<RpcEvmChain> {
  const provider = opts.provider ?? hardhatInProcessProvider();
  const request = (method: string, params: unknown[]) => provider.request({ method, params });
  let accounts: string[] | undefined;
  const chain = new RpcEvmChain({
    backend: "embedded",
    request,
    artifactsDir: opts.artifactsDir,
    defaultGasLimit: opts.defaultGasLimit,
    // Automine, one client: the pending block is the transaction's block (see the option).
    returnValueFromPendingCall: opts.returnValueFromPendingCall ?? true,
    accounts: async () => {
      accounts ??= (await request("eth_accounts", [])) as string[];
      return [...accounts];
    },
    send: async (tx: UnsignedTx) =>
      (await request("eth_sendTransaction", [
        {
          from: tx.from,
          to: tx.to,
          data: tx.data,
          gas: toBeHex(tx.gas),
          value: tx.value === undefined ? undefined : toBeHex(tx.value),
          nonce: tx.nonce === undefined ? undefined : toBeHex(tx.nonce),
        },
      ])) as string,
  });
  await chain.block(); // proves the network answers
  return chain;
}
