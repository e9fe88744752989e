import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { configFromHre, evmEndpointFromHre } from "../deployment/endpoints";
import { renderReport, verifyDeployment } from "./verify";

/**
 * Runs the verification for Hardhat's current network; resolves with the exit code, throws
 * on a configuration or connection problem (callers end through `runCommand`).
 */
export async function runVerifyCli(
  hre: HardhatRuntimeEnvironment,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  // Verification only reads: no key on either stack.
  const cfg = configFromHre(hre, env, { requireKey: false });
  const evm = await evmEndpointFromHre(hre, { readOnly: true });
  console.log(`verify: EVM ${cfg.evmNetwork} (chain ${evm.chainId}) + CosmWasm ${cfg.wasm.name} (${cfg.wasm.chainId})`);
  const report = await verifyDeployment(cfg, evm).finally(() => evm.chain.close());
  console.log(renderReport(report));
  return report.ok ? 0 : 1;
}
