/**
 * Emergency pause of both stacks: `npx hardhat run scripts/emergency-pause.ts --network <net>`
 * [--executor <id>] [--components a,b] [--stacks evm,wasm] [--dry-run] (docs/runbook.md,
 * "Emergency pause"; src/emergency/pause.ts).
 */
import hre from "hardhat";

import { runCommand } from "../src/cli/errors";
import { runEmergencyPause } from "../src/emergency/pause";

void runCommand("emergency-pause", () => runEmergencyPause(hre));
