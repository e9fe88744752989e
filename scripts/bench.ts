/**
 * EVM gas benchmark (`npm run bench:evm`): receipt gasUsed of RateLimiter, CircuitBreaker
 * and safety-core operations behind their proxies on Hardhat's in-process EVM. Prints a table
 * and writes reports/bench-evm.json. Gas is measured here, never asserted in timed tests.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import hre from "hardhat";

import { loadSpec } from "../src/spec";
import { benchCircuitBreaker } from "./bench/circuit-breaker";
import type { GasRow } from "./bench/measure";
import { benchRateLimiter } from "./bench/rate-limiter";
import { benchSafetyCore } from "./bench/safety-core";

// VAGUS_BENCH_QUICK=1 skips the 10,000-request fill (for iterating on gas; reports must use the full run).
const FILL_SIZES = process.env.VAGUS_BENCH_QUICK === "1" ? [1, 100] : [1, 100, 10_000];

function table(rows: GasRow[]): string {
  const head = ["component", "operation", "scenario", "gasUsed", "execution"];
  const body = rows.map((r) => [
    r.component,
    r.operation,
    r.scenario,
    r.gasUsed.toLocaleString("en-US"),
    r.executionGas.toLocaleString("en-US"),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const started = Date.now();
  const t0 = loadSpec().timeOrigin;
  const rl = await benchRateLimiter(t0, FILL_SIZES);
  const cb = await benchCircuitBreaker(t0 + 100_000);
  const core = await benchSafetyCore(t0 + 200_000);
  const rows = [...rl.rows, ...cb, ...core];

  console.log(table(rows));
  console.log("\nexecution = gasUsed − 21,000 − calldata (4 gas per zero byte, 16 per other byte).");
  for (const f of rl.fills) {
    console.log(`fill: ${f.requests.toLocaleString("en-US")} real consumes in ${f.seconds.toFixed(1)} s`);
  }
  const occupancy = rows.filter((r) => r.scenario.startsWith("allowed, window holds"));
  const spread = Math.max(...occupancy.map((r) => r.gasUsed)) - Math.min(...occupancy.map((r) => r.gasUsed));
  console.log(`consume gas across 1 / 100 / 10,000 held requests: spread ${spread} gas`);

  const solidity = hre.config.solidity.compilers[0];
  const report = {
    generatedAt: new Date().toISOString(),
    network: hre.network.name,
    compiler: {
      solc: solidity.version,
      optimizer: solidity.settings.optimizer,
      viaIR: Boolean(solidity.settings.viaIR),
      evmVersion: solidity.settings.evmVersion,
    },
    note: "gasUsed is the receipt's; executionGas subtracts the 21,000 base and calldata. Calls go through ERC1967 proxies.",
    rows,
    fills: rl.fills,
    occupancySpreadGas: spread,
    seconds: (Date.now() - started) / 1000,
  };
  const out = path.join(hre.config.paths.root, "reports", "bench-evm.json");
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${path.relative(process.cwd(), out)} in ${report.seconds.toFixed(1)} s`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
