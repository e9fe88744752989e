import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

import { TASK_COMPILE } from "hardhat/builtin-tasks/task-names";
import { task, types } from "hardhat/config";
import type { HardhatRuntimeEnvironment } from "hardhat/types";

/**
 * Hardhat tasks of the equivalence engine (README "Commands"):
 *
 *   npx hardhat vagus:equivalence [--scenario <file|dir>] [--runs N] [--seed S] [--steps K]
 *       [--components A,B] [--total-steps T] [--adversarial-steps T] [--out dir] [--digest touched|full|none]
 *   npx hardhat vagus:demo
 *
 * Both run on the embedded chains (Hardhat's in-process EVM, the CosmWasm engine): they
 * refuse `--network` other than `hardhat`.
 */

interface EquivalenceArgs {
  scenario?: string;
  runs: number;
  seed?: number;
  steps: number;
  components?: string;
  totalSteps: number;
  adversarialSteps: number;
  out: string;
  digest: string;
  quiet: boolean;
}

const ROOT = path.resolve(__dirname, "..");

async function equivalence(args: EquivalenceArgs, hre: HardhatRuntimeEnvironment): Promise<string> {
  // Loaded inside the action: src/ may load the Hardhat runtime, which a task file must not.
  const eq = await import("../src/equivalence");
  const log = (line: string) => {
    if (!args.quiet) console.log(line);
  };
  if (hre.network.name !== "hardhat") throw new Error("vagus:equivalence runs on the embedded chains: drop --network");
  eq.ensureEngineBinary(log);
  // The build this run compares, taken before it starts: the release gate refuses a report
  // whose artifacts are not the ones being released.
  const { currentArtifactSet } = await import("../src/release/artifacts");
  const artifactSet = currentArtifactSet();
  const started = Date.now();
  const net = await eq.startDevnet({ evmProvider: hre.network.provider });
  try {
    const runner = new eq.DifferentialRunner({
      spec: net.spec,
      evm: net.evm,
      wasm: net.wasm,
      digest: args.digest as "touched" | "full" | "none",
    });
    const files = eq.findScenarioFiles(args.scenario ? [path.resolve(args.scenario)] : eq.defaultScenarioDirs());
    if (args.scenario && files.length === 0) throw new Error(`no scenario files at ${args.scenario}`);
    log(`equivalence: ${files.length} scenario file(s) on EVM (Hardhat in-process) and CosmWasm (vagus-wasm-engine)`);
    const results = await eq.runScenarioFiles(runner, net.spec, files, (r, i, n) =>
      log(`[${i + 1}/${n}] ${eq.resultLine(r)}`),
    );

    const campaigns: Awaited<ReturnType<typeof eq.runCampaign>>[] = [];
    const campaign = async (mode: "generic" | "adversarial", totalSteps: number, seed0: number) => {
      const components =
        mode === "adversarial"
          ? [...eq.SYSTEM_COMPONENTS]
          : args.components
            ? args.components.split(",").map((c) => c.trim())
            : [...net.spec.components.keys()].filter(
                (c) =>
                  ["RateLimiter", "CircuitBreaker"].includes(c) ||
                  results.some((r) => r.deployed.evm.some((d) => d.component === c)),
              );
      let seed = seed0;
      let total = 0;
      const runs = args.runs > 0 ? args.runs : 100;
      do {
        log(`${mode} campaign: ${runs} runs of up to ${args.steps} steps over ${components.join(", ")}, seed ${seed}`);
        const t0 = Date.now();
        const c = await eq.runCampaign({
          runner,
          mode,
          components,
          runs,
          maxSteps: args.steps,
          seed,
          outDir: path.join(args.out, "counterexamples"),
          progressEvery: 500,
          onProgress: (p) =>
            log(
              `  ${p.steps} steps, ${p.runs} runs${p.shrinking ? " (shrinking)" : ""}, ${((p.steps / Math.max(1, Date.now() - t0)) * 1000).toFixed(0)} steps/s`,
            ),
        });
        campaigns.push(c);
        total += c.steps;
        if (c.failure) {
          log(
            `${mode} campaign FAILED (${c.failure.kind}), shrunk to ${c.failure.scenario.steps.length} steps: ${c.failure.message}`,
          );
          if (c.failure.file)
            log(`  replay: npx hardhat vagus:equivalence --scenario ${path.relative(process.cwd(), c.failure.file)}`);
          return;
        }
        seed += 1;
      } while (total < totalSteps);
    };
    const seed = args.seed ?? Date.now() % 2 ** 31;
    if (args.runs > 0 || args.totalSteps > 0) await campaign("generic", args.totalSteps, seed);
    if (args.adversarialSteps > 0 && !campaigns.some((c) => c.failure))
      await campaign("adversarial", args.adversarialSteps, seed);
    const report = eq.buildReport(results, campaigns, Date.now() - started);
    report.artifactSet = artifactSet;
    const written = eq.writeReport(report, args.out);
    log(`report: ${path.relative(process.cwd(), written.md)}, ${path.relative(process.cwd(), written.json)}`);
    const missing = results.filter((r) => r.verdict === "error");
    if (missing.length > 0)
      log(`${missing.length} scenario(s) could not run: ${missing.map((r) => r.name).join(", ")}`);
    log(
      `VERDICT: ${report.verdict} — ${report.totals.passed}/${report.totals.scenarios} scenarios, ` +
        `${report.totals.steps + report.totals.campaignSteps} compared steps (${report.totals.stepsPerSecond ?? "?"} steps/s)`,
    );
    return report.verdict;
  } finally {
    await net.close();
  }
}

task("vagus:equivalence", "Runs scenarios and property campaigns on both stacks and compares every step")
  .addOptionalParam("scenario", "A scenario file or folder (default: scenarios/ and spec/vectors/)")
  .addOptionalParam("runs", "Property-campaign runs (0: none)", 0, types.int)
  .addOptionalParam("seed", "Campaign seed (reproduces a campaign)", undefined, types.int)
  .addOptionalParam("steps", "Longest sequence of a campaign run", 50, types.int)
  .addOptionalParam(
    "components",
    "Components of the campaign, comma-separated (default: RateLimiter, CircuitBreaker and every component the scenarios deployed)",
  )
  .addOptionalParam("totalSteps", "Keep campaigning (next seeds) until this many steps were compared", 0, types.int)
  .addOptionalParam(
    "adversarialSteps",
    "Then run the adversarial campaign (compromised planner, reporter, attestor, oracle; safety invariants) until this many steps were compared",
    0,
    types.int,
  )
  .addOptionalParam("out", "Report folder", path.join(ROOT, "reports", "equivalence"))
  .addOptionalParam("digest", "State digest after each step: touched | full | none", "touched")
  .addFlag("quiet", "Only the verdict")
  .setAction(async (args: EquivalenceArgs, hre) => {
    const verdict = await equivalence(args, hre);
    if (verdict !== "EQUIVALENT") process.exitCode = 1;
  });

task(
  "vagus:demo",
  "Builds if needed, deploys both stacks to the embedded chains, syncs addresses, runs the corpus, prints the verdict",
).setAction(async (_args, hre) => {
  const eq = await import("../src/equivalence");
  const { readEvmArtifact } = await import("../src/chains/evm");
  const log = (line: string) => console.log(line);
  if (hre.network.name !== "hardhat") throw new Error("vagus:demo runs on the embedded chains: drop --network");
  log("1/5 build: Solidity (hardhat compile)");
  await hre.run(TASK_COMPILE, { quiet: true });
  if (!existsSync(path.join(ROOT, "artifacts", "wasm", "rate_limiter.wasm"))) {
    log("1/5 build: CosmWasm artifacts (scripts/build-wasm.sh)");
    execFileSync("bash", [path.join(ROOT, "scripts", "build-wasm.sh"), "--no-schema"], { stdio: "inherit", cwd: ROOT });
  }
  eq.ensureEngineBinary(log);
  log("2/5 deploy: every component with artifacts on both stacks, standard wiring");
  const net = await eq.startDevnet({ evmProvider: hre.network.provider });
  let deployed: string[] = [];
  try {
    const runner = new eq.DifferentialRunner({ spec: net.spec, evm: net.evm, wasm: net.wasm });
    const available = [...net.spec.components.keys()].filter((c) => {
      const comp = net.spec.component(c);
      try {
        readEvmArtifact(comp.evmContract);
      } catch {
        return false;
      }
      return existsSync(path.join(eq.defaultWasmArtifactsDir(), eq.wasmArtifactName(comp.wasmContract)));
    });
    const { evm, wasm } = await runner.setup({
      name: "demo",
      components: available,
      init: {},
      actors: { admin: {} },
      steps: [],
    });
    deployed = available;
    log("3/5 addresses (synced: one logical name, one address per stack)");
    const book: Record<string, { evm: string; wasm: string; evmBytecodeKeccak256: string; wasmSha256: string }> = {};
    for (const c of available) {
      const e = evm.find((d) => d.component === c);
      const w = wasm.find((d) => d.component === c);
      if (!e || !w) continue;
      book[c] = { evm: e.address, wasm: w.address, evmBytecodeKeccak256: e.artifactHash, wasmSha256: w.artifactHash };
      log(`  ${c.padEnd(18)} evm ${e.address}  wasm ${w.address}`);
    }
    const dir = path.join(ROOT, "reports", "equivalence");
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      path.join(dir, "demo-addresses.json"),
      `${JSON.stringify({ network: "embedded", components: book }, null, 2)}\n`,
    );
    log(`  written to ${path.relative(process.cwd(), path.join(dir, "demo-addresses.json"))}`);
  } finally {
    await net.close();
  }
  log(`4/5 corpus: scenarios/ and spec/vectors/ on both stacks (${deployed.length} components deployed)`);
  const verdict = await equivalence(
    {
      runs: 0,
      steps: 50,
      totalSteps: 0,
      adversarialSteps: 0,
      out: path.join(ROOT, "reports", "equivalence"),
      digest: "touched",
      quiet: false,
    },
    hre,
  );
  log(`5/5 verdict: ${verdict}`);
  if (verdict !== "EQUIVALENT") process.exitCode = 1;
});
