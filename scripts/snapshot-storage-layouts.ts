/**
 * `npm run layouts:snapshot`: records the storage layouts of today's build in
 * deploy/storage-layouts.json. Run it when cutting a release (after `npm run
 * prepare-deployment` has passed), and commit the file: the next release's contracts are
 * checked against it by test/upgrades/storage-layout.test.ts.
 */
import hre from "hardhat";

import { SNAPSHOT, writeSnapshot } from "../src/upgrades/storage-layout";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require("../package.json") as { version: string };

async function main(): Promise<void> {
  await hre.run("compile", { quiet: true });
  const snapshot = writeSnapshot(version);
  const names = Object.keys(snapshot.layouts);
  console.log(`${SNAPSHOT}: ${names.length} layouts of release ${version}\n  ${names.join("\n  ")}`);
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
