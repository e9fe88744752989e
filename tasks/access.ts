import { task, types } from "hardhat/config";

/**
 * Access review, recovery and snapshot (docs/runbook.md "Access review", "Recovery"):
 * `vagus:roles`, `vagus:recover`, `vagus:snapshot`. Each validates its arguments before
 * touching a chain and ends through `runCommand` (coded errors, exit status 1).
 */

task("vagus:roles", "Every holder of every role on both stacks, compared with the plan (exit 1 on a difference)")
  .addFlag("json", "print the review as JSON")
  .addOptionalParam("stacks", "evm, wasm or evm,wasm (default both)", undefined, types.string)
  .addOptionalParam(
    "rotate",
    "propose moving this role (spec key, e.g. GUARDIAN) --from one holder --to another",
    undefined,
    types.string,
  )
  .addOptionalParam("from", "rotate: the holder that loses the role", undefined, types.string)
  .addOptionalParam("to", "rotate: the holder that gains it", undefined, types.string)
  .addOptionalParam(
    "component",
    "rotate: only this component (default every component with the role)",
    undefined,
    types.string,
  )
  .setAction(
    async (
      args: { json: boolean; stacks?: string; rotate?: string; from?: string; to?: string; component?: string },
      hre,
    ) => {
      // Loaded inside the action: src/ may load the Hardhat runtime, which a task file must not.
      const { runCommand } = await import("../src/cli/errors");
      const { reviewRoles, renderRoles, stacksOf } = await import("../src/access/roles");
      await runCommand("vagus:roles", async () => {
        const stacks = stacksOf(args.stacks?.split(",").map((s) => s.trim()));
        if (args.rotate !== undefined || args.from !== undefined || args.to !== undefined) {
          const { proposeRotation } = await import("../src/access/rotate");
          await proposeRotation(hre, {
            role: args.rotate,
            from: args.from,
            to: args.to,
            component: args.component,
            stacks,
          });
          return 0;
        }
        const review = await reviewRoles(hre, { stacks });
        console.log(args.json ? JSON.stringify(review, null, 2) : renderRoles(review));
        return review.ok ? 0 : 1;
      });
    },
  );

task("vagus:recover", "Rebuild deployments/ (journal, address books, sync.json) of a network pair from the chains")
  .addFlag("force", "replace existing records (kept as <dir>.replaced-<time>)")
  .addOptionalParam(
    "evmDeployer",
    "EVM account that ran the deployment (default: the configured deployer)",
    undefined,
    types.string,
  )
  .addOptionalParam(
    "wasmDeployer",
    "CosmWasm account that ran it (default: the configured key's address)",
    undefined,
    types.string,
  )
  .addOptionalParam("deployment", "CosmWasm deployment id to recover (default: the latest)", undefined, types.string)
  .addOptionalParam(
    "evmTimelock",
    "EVM timelock of the deployment (default: the deployer's latest)",
    undefined,
    types.string,
  )
  .addOptionalParam("fromBlock", "first EVM block to read events from (default 0)", undefined, types.string)
  .setAction(
    async (
      args: {
        force: boolean;
        evmDeployer?: string;
        wasmDeployer?: string;
        deployment?: string;
        evmTimelock?: string;
        fromBlock?: string;
      },
      hre,
    ) => {
      const { runCommand } = await import("../src/cli/errors");
      const { recoverDeployment, recoverOptions } = await import("../src/access/recover");
      await runCommand("vagus:recover", async () => {
        const env = { ...process.env };
        const set = (k: string, v: string | undefined) => {
          if (v !== undefined) env[k] = v;
        };
        if (args.force) env.VAGUS_FORCE = "1";
        set("VAGUS_RECOVER_EVM_DEPLOYER", args.evmDeployer);
        set("VAGUS_RECOVER_WASM_DEPLOYER", args.wasmDeployer);
        set("VAGUS_RECOVER_DEPLOYMENT", args.deployment);
        set("VAGUS_RECOVER_EVM_TIMELOCK", args.evmTimelock);
        set("VAGUS_RECOVER_FROM_BLOCK", args.fromBlock);
        await recoverDeployment(hre, recoverOptions(env));
        return 0;
      });
    },
  );

task(
  "vagus:snapshot",
  "Both stacks' observable state to a JSON file, compared component by component (exit 1 on a difference)",
)
  .addOptionalParam("out", "where to write the snapshot (JSON)", undefined, types.string)
  .addOptionalParam(
    "targets",
    "JSON file of executors, pairs, tokens, actions to read besides those found in events",
    undefined,
    types.string,
  )
  .setAction(async (args: { out?: string; targets?: string }, hre) => {
    const { runCommand } = await import("../src/cli/errors");
    const { renderSnapshot, takeSnapshot, writeSnapshot } = await import("../src/access/snapshot");
    await runCommand("vagus:snapshot", async () => {
      const s = await takeSnapshot(hre, { targetsFile: args.targets });
      if (args.out) writeSnapshot(args.out, s);
      console.log(renderSnapshot(s));
      if (args.out) console.log(`written to ${args.out}`);
      return s.ok ? 0 : 1;
    });
  });
