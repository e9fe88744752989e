/**
 * `npm run verify:deployment` (and `npx hardhat verify-deployment --network <net>`):
 * checks a recorded deployment against the local artifacts, the intended roles and the
 * parameters on both stacks; prints a table; exit 1 on any mismatch.
 */
import hre from "hardhat";

import { runVerifyCli } from "../src/deploy/verify-cli";

runVerifyCli(hre).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
