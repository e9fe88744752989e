import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { ConfigError, DeployError } from "../deployment/errors";
import { configFromHre, evmEndpointFromHre } from "../deployment/endpoints";
import { renderReport, verifyDeployment } from "./verify";

/** Runs the verification for Hardhat's current network; resolves with the exit code. */
export async function runVerifyCli(
  hre: HardhatRuntimeEnvironment,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  try {
    // Verification only reads: no CosmWasm key is needed.
    const cfg = configFromHre(hre, env, { requireKey: false });
    const evm = await evmEndpointFromHre(hre);
    console.log(
      `verify: EVM ${cfg.evmNetwork} (chain ${evm.chainId}) + CosmWasm ${cfg.wasm.name} (${cfg.wasm.chainId})`,
    );
    const report = await verifyDeployment(cfg, evm).finally(() => evm.chain.close());
    console.log(renderReport(report));
    return report.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof DeployError) console.error(err.render());
    else if (err instanceof ConfigError) console.error(`verify: ${err.message}`);
    else console.error(err);
    return 1;
  }
}
