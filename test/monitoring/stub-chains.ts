import { Interface, toBeHex, zeroPadValue, type InterfaceAbi } from "ethers";

import { readEvmArtifact, RpcEvmChain } from "../../src/chains/evm";
import type { BlockInfo, ChainEvent, WasmBlockTxs, WasmChain } from "../../src/chains/types";
import type { MonitoredDeployment } from "../../src/monitoring/deployment";

/**
 * Chains for the exporter's unit tests: the real `RpcEvmChain` (decoding, ranges) over an
 * in-memory JSON-RPC transport, and a `WasmChain` whose history is a list of blocks. Both
 * can be taken "down" (every request fails) and grow while the exporter runs.
 */

export const EVM = {
  RateLimiter: "0x00000000000000000000000000000000000000a1",
  CircuitBreaker: "0x00000000000000000000000000000000000000a2",
  ANSStateManager: "0x00000000000000000000000000000000000000a3",
  CapabilityIssuer: "0x00000000000000000000000000000000000000a4",
  ReflexArc: "0x00000000000000000000000000000000000000a5",
};
export const WASM = {
  RateLimiter: "wasm1ratelimiter",
  CircuitBreaker: "wasm1breaker",
  ANSStateManager: "wasm1ans",
  CapabilityIssuer: "wasm1issuer",
  ReflexArc: "wasm1reflex",
};
type Name = keyof typeof EVM;

export function deployment(startBlock = 1, startHeight = 1): MonitoredDeployment {
  return {
    deployment: "test",
    evm: {
      network: "stub",
      chainId: "31337",
      startBlock,
      contracts: (Object.keys(EVM) as Name[]).map((n) => ({ component: n, address: EVM[n], artifact: n })),
    },
    wasm: {
      network: "stub-wasm",
      chainId: "stub-1",
      rpc: "http://127.0.0.1:1",
      startHeight,
      contracts: (Object.keys(WASM) as Name[]).map((n) => ({ component: n, address: WASM[n] })),
    },
    params: [],
  };
}

interface RawLog {
  address: string;
  topics: string[];
  data: string;
  logIndex: string;
  blockNumber: string;
  transactionHash: string;
  transactionIndex: string;
}

export class StubEvm {
  readonly blocks: { number: number; time: number; logs: RawLog[] }[] = [];
  down = false;
  private readonly ifaces = new Map<string, Interface>();
  private readonly byHash = new Map<string, RawLog>();
  /** Requests served, by method. */
  readonly calls = new Map<string, number>();

  constructor() {
    this.mine(1_000);
  }

  iface(name: Name): Interface {
    let i = this.ifaces.get(name);
    if (!i) this.ifaces.set(name, (i = new Interface(readEvmArtifact(name).abi as InterfaceAbi)));
    return i;
  }

  get head(): number {
    return this.blocks.length;
  }

  /** A new block (number = previous + 1) holding one transaction per log. */
  mine(time: number, events: { on: Name; name: string; args: unknown[] }[] = []): number {
    const number = this.blocks.length + 1;
    const logs = events.map((e, i) => {
      const enc = this.iface(e.on).encodeEventLog(e.name, e.args);
      return {
        address: EVM[e.on],
        topics: enc.topics,
        data: enc.data,
        logIndex: toBeHex(i),
        blockNumber: toBeHex(number),
        transactionHash: zeroPadValue(toBeHex(number * 1000 + i), 32),
        transactionIndex: toBeHex(i),
      };
    });
    for (const l of logs) this.byHash.set(l.transactionHash, l);
    this.blocks.push({ number, time, logs });
    return number;
  }

  /** Forgets the history (the benchmark measures what the exporter keeps without it). */
  clear(): void {
    this.blocks.length = 0;
    this.byHash.clear();
  }

  chain(): RpcEvmChain {
    return new RpcEvmChain({
      backend: "node",
      request: (m, p) => this.request(m, p),
      send: () => Promise.reject(new Error("read-only stub")),
      accounts: () => Promise.resolve([]),
    });
  }

  private request(method: string, params: unknown[]): Promise<unknown> {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
    if (this.down) return Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:8545"));
    const n = (x: unknown) => Number(BigInt(x as string));
    switch (method) {
      case "eth_blockNumber":
        return Promise.resolve(toBeHex(this.head));
      case "eth_chainId":
        return Promise.resolve("0x7a69");
      case "eth_getLogs": {
        const q = params[0] as { fromBlock: string; toBlock: string; address: string[] };
        const addrs = new Set(q.address.map((a) => a.toLowerCase()));
        const out = this.blocks
          .slice(n(q.fromBlock) - 1, n(q.toBlock))
          .flatMap((b) => b.logs)
          .filter((l) => addrs.has(l.address.toLowerCase()));
        return Promise.resolve(out);
      }
      case "eth_getBlockByNumber": {
        const b = this.blocks[(params[0] === "latest" ? this.head : n(params[0])) - 1];
        return Promise.resolve(
          b && { number: toBeHex(b.number), timestamp: toBeHex(b.time), gasLimit: toBeHex(30_000_000), gasUsed: "0x0" },
        );
      }
      case "eth_getTransactionByHash":
      case "eth_getTransactionReceipt": {
        const hash = params[0] as string;
        const log = this.byHash.get(hash);
        if (!log) return Promise.resolve(null);
        const selector = this.selectorFor(log.address);
        return Promise.resolve({
          from: EVM.CapabilityIssuer,
          to: log.address,
          input: selector,
          blockNumber: log.blockNumber,
          gasUsed: toBeHex(150_000),
          status: "0x1",
          transactionHash: hash,
          logs: [],
          contractAddress: null,
        });
      }
      case "eth_call": {
        const call = params[0] as { to: string; data: string };
        const name = (Object.keys(EVM) as Name[]).find((k) => EVM[k].toLowerCase() === call.to.toLowerCase());
        if (name !== "RateLimiter") return Promise.reject(new Error("no such view in the stub"));
        return Promise.resolve(this.iface("RateLimiter").encodeFunctionResult("usage", [1, 2, 0]));
      }
      default:
        return Promise.reject(new Error(`stub: ${method} not served`));
    }
  }

  private selectorFor(address: string): string {
    const name = (Object.keys(EVM) as Name[]).find((k) => EVM[k].toLowerCase() === address.toLowerCase());
    if (name === "CapabilityIssuer") return this.iface(name).getFunction("issue")?.selector ?? "0x";
    return "0x12345678";
  }
}

/** A CosmWasm chain whose history is a list of blocks of transactions. */
export class StubWasm {
  readonly blocks: WasmBlockTxs[] = [];
  height_ = 1;
  time = 1_000;
  down = false;

  /** A new height; one transaction per event list. */
  commit(txs: ChainEvent[][] = [], time = this.time + 1): number {
    this.height_++;
    this.time = time;
    if (txs.length > 0) {
      this.blocks.push({
        height: this.height_,
        time,
        txs: txs.map((events, index) => ({ index, ok: true, gasUsed: 200_000, gasWanted: 300_000, events })),
      });
    }
    return this.height_;
  }

  chain(): WasmChain {
    const fail = () => (this.down ? Promise.reject(new Error("fetch failed")) : undefined);
    const notServed = () => Promise.reject(new Error("stub"));
    return {
      backend: "node",
      queryRaw: notServed,
      height: () => fail() ?? Promise.resolve(this.height_),
      block: () =>
        fail() ??
        Promise.resolve<BlockInfo>({
          height: this.height_,
          time: this.time,
          timeNanos: `${this.time}000000000`,
          chainId: "stub-1",
        }),
      blockTxs: (from: number, to: number) =>
        fail() ?? Promise.resolve(this.blocks.filter((b) => b.height >= from && b.height <= to)),
      query: <T>() => fail() ?? Promise.resolve({ used: 1, capacity: 4, retry_at: "0" } as T),
      store: notServed,
      instantiate: notServed,
      execute: notServed,
      migrate: notServed,
      setBlock: notServed,
      addrMake: notServed,
      snapshot: notServed,
      restore: notServed,
      predictAddress: () => {
        throw new Error("stub");
      },
      instantiate2: notServed,
      contractInfo: notServed,
      findCode: notServed,
      codeChecksum: notServed,
      close: () => Promise.resolve(),
    };
  }
}

/** A CosmWasm custom event as wasmd emits it. */
export function wasmEvent(on: Name, type: string, attrs: Record<string, string | number | boolean>): ChainEvent {
  return {
    type: `wasm-${type}`,
    attributes: [
      { key: "_contract_address", value: WASM[on] },
      ...Object.entries(attrs).map(([key, value]) => ({ key, value: String(value) })),
    ],
  };
}
