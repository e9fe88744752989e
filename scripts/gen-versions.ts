/**
 * Writes contracts/common/VagusVersions.sol and vagus-common's versions.rs from the
 * `version` of each spec/*.json component file (src/release/versions.ts). Run it after
 * changing a version, then rebuild both stacks.
 */
import { componentVersions, writeGeneratedFiles } from "../src/release/versions";

const versions = componentVersions();
for (const f of writeGeneratedFiles(versions)) console.log(`wrote ${f}`);
for (const v of versions) console.log(`  ${v.component.padEnd(18)} ${v.version}`);
