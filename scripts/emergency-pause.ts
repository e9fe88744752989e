/**
 * Emergency pause of both stacks: `npx hardhat run scripts/emergency-pause.ts --network <net>`
 * [--executor <id>] [--components a,b] [--stacks evm,wasm] [--dry-run]; `--drill [--plan
 * file]` rehearses pause → check → staged unpause on the localnets (docs/runbook.md,
 * "Emergency pause"; src/emergency/).
 */
import hre from "hardhat";

import { runCommand } from "../src/cli/errors";
import { envBool } from "../src/cli/flags";
import { runEmergencyPause } from "../src/emergency/pause";
import { runDrill } from "../src/emergency/restore";

void runCommand(envBool("VAGUS_DRILL") ? "emergency-pause --drill" : "emergency-pause", () =>
  envBool("VAGUS_DRILL") ? runDrill(hre) : runEmergencyPause(hre),
);
