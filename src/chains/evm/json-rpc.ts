import { FetchRequest, JsonRpcProvider, Network, toBeHex, Wallet } from "ethers";

import { RpcEvmChain, type RawReceipt, type UnsignedTx } from "./rpc-chain";
import { EvmChainError } from "../types";

export interface JsonRpcEvmOptions {
  /** The node's JSON-RPC URL (`http://127.0.0.1:8545`). */
  url: string;
  /**
   * Keys to sign with (0x hex). Without them the node's own unlocked accounts
   * (`eth_accounts`, e.g. a Hardhat node's) send the transactions. Never logged.
   */
  privateKeys?: readonly string[];
  artifactsDir?: string;
  defaultGasLimit?: bigint;
  /** Receipt polling interval (default 250 ms) and give-up time (default 120 s). */
  pollMs?: number;
  receiptTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The real-node EVM backend: ethers v6 `JsonRpcProvider`, transactions signed by the given
 * keys (ethers `Wallet`) or sent from the node's unlocked accounts. Development methods
 * (`evm_*`) work on a Hardhat node and fail as `unsupported` on a real chain.
 */
export async function startJsonRpcEvm(opts: JsonRpcEvmOptions): Promise<RpcEvmChain> {
  // Probe the node once ourselves: ethers' own network detection retries forever and logs.
  let chainId: bigint;
  try {
    const probe = new FetchRequest(opts.url);
    probe.timeout = 10_000;
    probe.body = { jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] };
    probe.setHeader("content-type", "application/json");
    const res = await probe.send();
    res.assertOk();
    chainId = BigInt((res.bodyJson as { result: string }).result);
  } catch (err) {
    throw new EvmChainError(`cannot reach the EVM node at ${opts.url}: ${(err as Error).message}`, {
      kind: "rpc",
      op: "start",
      cause: err,
    });
  }
  const provider = new JsonRpcProvider(opts.url, Network.from(chainId), {
    staticNetwork: true,
    batchMaxCount: 1,
    cacheTimeout: -1,
  });
  const request = (method: string, params: unknown[]) => provider.send(method, params) as Promise<unknown>;
  const wallets = new Map(
    (opts.privateKeys ?? []).map((k) => {
      const w = new Wallet(k, provider);
      return [w.address.toLowerCase(), w] as const;
    }),
  );
  const pollMs = opts.pollMs ?? 250;
  const timeoutMs = opts.receiptTimeoutMs ?? 120_000;

  const chain = new RpcEvmChain({
    backend: "node",
    request,
    artifactsDir: opts.artifactsDir,
    defaultGasLimit: opts.defaultGasLimit,
    accounts: async () =>
      wallets.size > 0
        ? [...wallets.values()].map((w) => w.address)
        : ((await request("eth_accounts", [])) as string[]),
    send: async (tx: UnsignedTx) => {
      const wallet = wallets.get(tx.from.toLowerCase());
      if (wallet) {
        const sent = await wallet.sendTransaction({
          to: tx.to,
          data: tx.data,
          gasLimit: tx.gas,
          value: tx.value,
          nonce: tx.nonce,
        });
        return sent.hash;
      }
      if (wallets.size > 0) {
        throw new EvmChainError(`no key for ${tx.from} (the chain signs with its configured keys only)`, {
          kind: "invalid",
          op: "send",
        });
      }
      return (await request("eth_sendTransaction", [
        {
          from: tx.from,
          to: tx.to,
          data: tx.data,
          gas: toBeHex(tx.gas),
          value: tx.value === undefined ? undefined : toBeHex(tx.value),
          nonce: tx.nonce === undefined ? undefined : toBeHex(tx.nonce),
        },
      ])) as string;
    },
    waitReceipt: async (hash: string) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const receipt = (await request("eth_getTransactionReceipt", [hash])) as RawReceipt | null;
        if (receipt) return receipt;
        if (Date.now() > deadline) {
          throw new EvmChainError(`transaction ${hash} not mined after ${timeoutMs} ms`, { kind: "rpc", txHash: hash });
        }
        await sleep(pollMs);
      }
    },
    onClose: () => {
      provider.destroy();
      return Promise.resolve();
    },
  });
  try {
    await chain.block();
  } catch (err) {
    await chain.close();
    throw new EvmChainError(`cannot reach the EVM node at ${opts.url}: ${(err as Error).message}`, {
      kind: "rpc",
      op: "start",
      cause: err,
    });
  }
  return chain;
}
