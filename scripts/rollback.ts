/**
 * Rollback through governance (docs/runbook.md "EVM rollback", "WASM rollback"): proposes
 * `upgradeToAndCall(previous implementation)` on the EVM timelock and the explicit rollback
 * migrate on the CosmWasm timelock, executes once ready (or says when and resumes when run
 * again), reads back, records the versions in the address books and runs the deployment
 * verification against the local artifacts.
 *
 *   npx hardhat run scripts/rollback.ts --network <net>
 *     [--component X] [--to <implementation|code id>[,<other stack's>]] [--stacks evm,wasm]
 *     [--reason "..."] [--dry-run]
 *
 * The EVM storage layouts of the running and the target implementation are checked with
 * OpenZeppelin's validation before anything is sent.
 */
import hre from "hardhat";

import { runCommand } from "../src/cli/errors";
import { governanceRollback } from "../src/rollback";

void runCommand("rollback", async () => {
  await governanceRollback(hre);
});
