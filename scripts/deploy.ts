/**
 * Deploys both stacks: `npx hardhat run scripts/deploy.ts --network <net> [--timelock]
 * [--dry-run] [--new] [--yes]` (docs/runbook.md). Each flag has its variable (VAGUS_TIMELOCK,
 * VAGUS_DRY_RUN, VAGUS_NEW or VAGUS_DEPLOY_NEW, VAGUS_YES or VAGUS_CONFIRM_MAINNET); other
 * settings are variables only: VAGUS_WASM_NETWORK (default per EVM network,
 * deploy/networks.json), VAGUS_DEPLOY_PARAMS, VAGUS_DEPLOYMENTS_DIR.
 */
import hre from "hardhat";

import { runCommand } from "../src/cli/errors";
import { configFromHre, evmEndpointFromHre } from "../src/deployment/endpoints";
import { runDeployment } from "../src/deploy/runner";

void runCommand("deploy", async () => {
  // Every setting is checked before a chain is touched (error 10001 lists them all).
  const cfg = configFromHre(hre);
  const evm = await evmEndpointFromHre(hre, { readOnly: cfg.dryRun });
  try {
    await runDeployment(cfg, evm);
  } finally {
    await evm.chain.close();
  }
});
