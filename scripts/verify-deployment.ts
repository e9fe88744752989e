/**
 * `npm run verify:deployment` (and `npx hardhat verify-deployment --network <net>`):
 * checks a recorded deployment against the local artifacts, the intended roles and the
 * parameters on both stacks; prints a table; exit 1 on any mismatch. Needs no key.
 */
import hre from "hardhat";

import { runCommand } from "../src/cli/errors";
import { runVerifyCli } from "../src/deploy/verify-cli";

void runCommand("verify-deployment", () => runVerifyCli(hre));
