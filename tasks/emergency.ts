import { task } from "hardhat/config";

/**
 * `npx hardhat vagus:unpause [--plan <file>] [--stacks evm,wasm] [--dry-run] --network <net>`:
 * the staged restoration after an emergency pause (src/emergency/unpause.ts). The pause
 * itself is `npx hardhat run scripts/emergency-pause.ts` (the runbook's line).
 */

interface UnpauseArgs {
  plan?: string;
  stacks?: string;
  dryRun: boolean;
}

task("vagus:unpause", "Lift an emergency pause in stages, each through governance and read back before the next")
  .addOptionalParam("plan", "The plan file of stages (default deploy/unpause-plan.json)")
  .addOptionalParam("stacks", "evm, wasm or evm,wasm (default both)")
  .addFlag("dryRun", "List the steps and which are done; send nothing")
  .setAction(async (a: UnpauseArgs, hre) => {
    const { runCommand } = await import("../src/cli/errors");
    const { runUnpauseCommand } = await import("../src/emergency/restore");
    const env = { ...process.env };
    if (a.plan) env.VAGUS_PLAN = a.plan;
    if (a.stacks) env.VAGUS_STACKS = a.stacks;
    if (a.dryRun) env.VAGUS_DRY_RUN = "1";
    await runCommand("vagus:unpause", () => runUnpauseCommand(hre, env));
  });
