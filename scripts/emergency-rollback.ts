/**
 * Emergency rollback (docs/runbook.md "Emergency rollback"): the EMERGENCY key pauses
 * components and returns them at once, without the timelock's delay, to a version that
 * governance had running before — and to nothing else.
 *
 *   npx hardhat run scripts/emergency-rollback.ts --network <net>
 *     [--component X] [--to <implementation|code id>[,<other stack's>]] [--stacks evm,wasm]
 *     [--reason "..."] [--from 0x<EVM emergency account>] [--dry-run]
 *
 * Default target: the previous version in the address book's history. Signs with the EVM
 * account (--from, else the configured key) and the CosmWasm key (VAGUS_WASM_KEY_FILE /
 * VAGUS_WASM_MNEMONIC); both must hold EMERGENCY on the component.
 */
import hre from "hardhat";

import { runCommand } from "../src/cli/errors";
import { emergencyRollback } from "../src/rollback";

void runCommand("emergency-rollback", async () => {
  await emergencyRollback(hre);
});
