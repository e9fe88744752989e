/**
 * Deploys both stacks: `npx hardhat run scripts/deploy.ts --network <net>`.
 *
 * Hardhat `run` takes no flags of its own, so options are environment variables
 * (docs/runbook.md): VAGUS_WASM_NETWORK (default per EVM network, deploy/networks.json),
 * VAGUS_DEPLOY_PARAMS, VAGUS_TIMELOCK=1, VAGUS_DRY_RUN=1, VAGUS_CONFIRM_MAINNET,
 * VAGUS_DEPLOY_NEW=1, VAGUS_DEPLOYMENTS_DIR.
 */
import hre from "hardhat";

import { ConfigError, DeployError } from "../src/deployment/errors";
import { configFromHre, evmEndpointFromHre } from "../src/deployment/endpoints";
import { runDeployment } from "../src/deploy/runner";

async function main(): Promise<void> {
  const cfg = configFromHre(hre);
  const evm = await evmEndpointFromHre(hre);
  try {
    await runDeployment(cfg, evm);
  } finally {
    await evm.chain.close();
  }
}

main().catch((err: unknown) => {
  if (err instanceof DeployError) console.error(err.render());
  else if (err instanceof ConfigError) console.error(`deploy: ${err.message}\n  nothing was sent.`);
  else console.error(err);
  process.exitCode = 1;
});
