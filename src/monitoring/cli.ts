import { isIP } from "node:net";

import { startJsonRpcEvm } from "../chains/evm";
import { CosmjsChain } from "../chains/wasm";
import { loadSpec } from "../spec";
import { loadMonitoredDeployment } from "./deployment";
import { Exporter } from "./exporter";

/**
 * `npx hardhat vagus:monitor --network <net>` / `npm run monitor`: the options, checked
 * before any chain is touched, then the exporter until SIGINT / SIGTERM.
 */

export interface MonitorOptions {
  evmNetwork: string;
  /** The EVM node's JSON-RPC URL (Hardhat's network config). */
  evmUrl: string;
  port: number;
  bind: string;
  finalityEvm: number;
  finalityWasm: number;
  pollMs: number;
  maxExecutors: number;
  maxActions: number;
  /** Per-transaction gas (one receipt read per EVM transaction; default true). */
  gas?: boolean;
}

export class MonitorOptionError extends Error {
  constructor(readonly problems: string[]) {
    super(`monitor: invalid options:\n  - ${problems.join("\n  - ")}`);
    this.name = "MonitorOptionError";
  }
}

/** Every problem of the options at once (nothing is started when there is one). */
export function checkMonitorOptions(o: MonitorOptions): void {
  const problems: string[] = [];
  const int = (name: string, v: number, min: number, max: number) => {
    if (!Number.isInteger(v) || v < min || v > max)
      problems.push(`${name} must be an integer in ${min}..${max}, got ${v}`);
  };
  int("--port", o.port, 0, 65535);
  int("--finality-evm", o.finalityEvm, 0, 10_000);
  int("--finality-wasm", o.finalityWasm, 0, 10_000);
  int("--poll-ms", o.pollMs, 100, 3_600_000);
  int("--max-executors", o.maxExecutors, 1, 10_000);
  int("--max-actions", o.maxActions, 1, 10_000);
  if (isIP(o.bind) === 0 && o.bind !== "localhost") problems.push(`--bind must be an IP address, got ${o.bind}`);
  if (!/^https?:\/\//.test(o.evmUrl))
    problems.push(
      `the EVM network ${o.evmNetwork} has no JSON-RPC URL (the monitor follows a node: use --network localhost or a remote network)`,
    );
  if (problems.length > 0) throw new MonitorOptionError(problems);
}

/** Starts the exporter; resolves once it serves, with a function that stops it. */
export async function startMonitor(
  o: MonitorOptions,
  log: (line: string) => void = (l) => console.log(l),
): Promise<{ exporter: Exporter; port: number; stop: () => Promise<void> }> {
  checkMonitorOptions(o);
  const deployment = loadMonitoredDeployment(o.evmNetwork, process.env, o.evmUrl);
  const spec = loadSpec();
  const evm = await startJsonRpcEvm({ url: o.evmUrl });
  const wasm = await CosmjsChain.connectReadOnly({ rpc: deployment.wasm.rpc, chainId: deployment.wasm.chainId });
  const exporter = new Exporter({
    deployment,
    evm,
    wasm,
    spec,
    finality: { evm: o.finalityEvm, wasm: o.finalityWasm },
    pollMs: o.pollMs,
    caps: { executors: o.maxExecutors, actions: o.maxActions },
    gas: o.gas,
    log,
  });
  const port = await exporter.serve(o.port, o.bind);
  log(
    `monitor: deployment ${deployment.deployment}: ${deployment.evm.network} from block ${deployment.evm.startBlock}, ` +
      `${deployment.wasm.network} from height ${deployment.wasm.startHeight}; serving http://${o.bind}:${port}/metrics`,
  );
  exporter.start();
  return {
    exporter,
    port,
    stop: async () => {
      await exporter.stop();
      await evm.close();
      await wasm.close();
    },
  };
}
