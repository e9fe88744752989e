/**
 * `npm run bench:deploy` (hardhat run --network localhost): deploys both stacks to the
 * localnets from scratch (fresh deployments folder, so nothing is skipped except CosmWasm
 * code already stored, which is reported), measures wall time per stack and the gas of
 * every deploy step, writes reports/deploy-bench.json and the "Deployment" section of
 * BENCHMARKS.md (between its bench:deploy markers).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import hre from "hardhat";

import { atomicWrite, atomicWriteJson } from "../src/deployment/fsx";
import { configFromHre, evmEndpointFromHre } from "../src/deployment/endpoints";
import { runDeployment } from "../src/deploy/runner";

const ROOT = path.resolve(__dirname, "..");
const START = "<!-- bench:deploy:start -->";
const END = "<!-- bench:deploy:end -->";

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-bench-deploy-"));
  try {
    const env = { ...process.env, VAGUS_DEPLOYMENTS_DIR: dir, VAGUS_DEPLOY_NEW: "1", VAGUS_TIMELOCK: "" };
    const cfg = configFromHre(hre, env);
    const evm = await evmEndpointFromHre(hre);
    const t0 = Date.now();
    const summary = await runDeployment(cfg, evm, {
      env,
      log: (l) => console.log(l),
    }).finally(() => evm.chain.close());
    const total = Date.now() - t0;
    const firstWasm = summary.steps.findIndex((s) => s.id.startsWith("wasm:"));
    const evmMs = summary.steps.slice(0, firstWasm).reduce((a, s) => a + s.ms, 0);
    const wasmMs = summary.steps.slice(firstWasm).reduce((a, s) => a + s.ms, 0);
    const rows = summary.steps.map((s) => ({ step: s.id, status: s.status, gas: s.gasUsed ?? null, ms: s.ms }));
    const sum = (prefix: string) =>
      rows.filter((r) => r.step.startsWith(prefix) && r.gas).reduce((a, r) => a + Number(r.gas), 0);
    const report = {
      measured: new Date().toISOString(),
      evm: { network: cfg.evmNetwork, chainId: evm.chainId, ms: evmMs, gas: sum("evm:") },
      wasm: { network: cfg.wasm.name, chainId: cfg.wasm.chainId, ms: wasmMs, gas: sum("wasm:") },
      totalMs: total,
      steps: rows,
    };
    atomicWriteJson(path.join(ROOT, "reports", "deploy-bench.json"), report);
    const fmt = (n: number) => n.toLocaleString("en-US");
    const table = rows
      .map(
        (r) =>
          `| \`${r.step}\` | ${r.status === "ran" ? "" : `${r.status} `}${r.gas ? fmt(Number(r.gas)) : "—"} | ${(r.ms / 1000).toFixed(2)} |`,
      )
      .join("\n");
    const section = `${START}
## Deployment to the localnets (\`npm run bench:deploy\`)

Both stacks from scratch with \`scripts/deploy.ts\`'s runner (default mode: the deployer
wires, then hands ADMIN to the timelock): Hardhat node (automine) + wasmd localnet
(~0.26 s blocks), on the shared 2-core machine. CosmWasm gas is SDK gas (what fees pay),
EVM gas is the receipt's \`gasUsed\`. A CosmWasm code whose checksum is already on the
chain is not stored again ("skipped"), so a warm chain shows no store gas.

| | wall time | gas |
|---|---:|---:|
| EVM (${cfg.evmNetwork}) | ${(evmMs / 1000).toFixed(1)} s | ${fmt(report.evm.gas)} |
| CosmWasm (${cfg.wasm.name}) | ${(wasmMs / 1000).toFixed(1)} s | ${fmt(report.wasm.gas)} |
| both, end to end (incl. connecting, sync file) | ${(total / 1000).toFixed(1)} s | |

| step | gas | s |
|---|---:|---:|
${table}

Measured ${report.measured.slice(0, 16)} UTC; raw numbers: \`reports/deploy-bench.json\`.
${END}`;
    const file = path.join(ROOT, "BENCHMARKS.md");
    const text = readFileSync(file, "utf8");
    const next = text.includes(START)
      ? text.slice(0, text.indexOf(START)) + section + text.slice(text.indexOf(END) + END.length)
      : `${text.trimEnd()}\n\n${section}\n`;
    atomicWrite(file, next);
    console.log(
      `bench:deploy: EVM ${(evmMs / 1000).toFixed(1)} s / ${fmt(report.evm.gas)} gas, CosmWasm ${(wasmMs / 1000).toFixed(1)} s / ${fmt(report.wasm.gas)} gas; BENCHMARKS.md updated`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
