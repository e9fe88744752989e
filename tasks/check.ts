import { task, types } from "hardhat/config";

/**
 * `npx hardhat vagus:check --network <net>`: the daily check of a live deployment
 * (src/release/check.ts). Prints a table, writes deployments/<pair>/check/last.json,
 * exits 1 when any item fails.
 */
task(
  "vagus:check",
  "Daily check of a deployment: verification, access review, sync, journal and address books, time drift",
)
  .addOptionalParam("maxDrift", "Largest allowed difference between the chains' clocks, seconds", 60, types.int)
  .setAction(async (args: { maxDrift: number }, hre) => {
    // Loaded inside the action: src/ may load the Hardhat runtime, which a task file must not.
    const { runCommand, ToolError } = await import("../src/cli/errors");
    const { configFromHre, evmEndpointFromHre, connectWasmChain } = await import("../src/deployment/endpoints");
    const { dailyCheck, renderCheckTable, writeCheckReport } = await import("../src/release/check");
    const { CHECK } = await import("../src/release/codes");
    const { readSync } = await import("../src/deployment/sync");
    await runCommand("vagus:check", async () => {
      if (!Number.isInteger(args.maxDrift) || args.maxDrift < 0)
        throw new ToolError(10001, "--max-drift must be a whole number of seconds ≥ 0");
      const cfg = configFromHre(hre, process.env, { requireKey: false });
      if (!readSync(cfg))
        throw new ToolError(
          CHECK.noDeployment,
          `nothing deployed on ${cfg.evmNetwork}+${cfg.wasm.name} (${cfg.pairDir})`,
          {
            hint: `deploy first: npx hardhat run scripts/deploy.ts --network ${cfg.evmNetwork}`,
          },
        );
      const evm = await evmEndpointFromHre(hre);
      const wasm = await connectWasmChain(cfg, { signer: false, step: "check" }).catch(async (e: unknown) => {
        await evm.chain.close();
        throw e;
      });
      try {
        const report = await dailyCheck(hre, cfg, evm, wasm, { maxDriftSeconds: args.maxDrift });
        console.log(`vagus:check ${report.pair} (deployment ${report.deployment})`);
        console.log(renderCheckTable(report.items));
        const file = writeCheckReport(cfg.pairDir, report);
        console.log(`report: ${file}`);
        const failed = report.items.filter((i) => !i.ok);
        for (const f of failed) console.error(`vagus:check: error ${f.code}: ${f.kind}: ${f.item}: ${f.detail}`);
        if (failed.length > 0)
          throw new ToolError(
            CHECK.failed,
            `${failed.length} of ${report.items.length} items failed (${[...new Set(failed.map((f) => f.kind))].join(", ")})`,
            {
              hint: 'each failed item above names what differs; docs/runbook.md "Daily maintenance" says what to do',
            },
          );
        console.log(`vagus:check: all ${report.items.length} items passed`);
      } finally {
        await Promise.all([evm.chain.close(), wasm.close()]);
      }
    });
  });
