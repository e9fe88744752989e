/**
 * `npm run prepare-deployment` (after scripts/prepare-deployment.sh has built both
 * stacks): the pre-deployment checklist as gates (src/release/prepare.ts). Prints the
 * table of every item; a failed item is an error with its code (17xxx) and the release is
 * refused (exit 1, nothing of it written but release/gates.json). When every item passes:
 * manifest, SBOM, checksums, release notes and rollback plan in release/ (VAGUS_RELEASE_DIR).
 */
import { runCommand, ToolError } from "../src/cli/errors";
import { releaseDir } from "../src/deployment/release";
import { RELEASE } from "../src/release/codes";
import { renderGateTable } from "../src/release/gates";
import { prepareRelease } from "../src/release/prepare";

void runCommand("prepare-deployment", async () => {
  const r = await prepareRelease({ dir: releaseDir() });
  console.log(renderGateTable(r.items));
  const failed = r.items.filter((i) => !i.ok);
  for (const f of failed) console.error(`prepare-deployment: error ${f.code}: ${f.item}: ${f.detail}`);
  if (failed.length > 0)
    throw new ToolError(
      RELEASE.refused,
      `release refused: ${failed.length} of ${r.items.length} items failed (${[...new Set(failed.map((f) => f.code))].join(", ")})`,
      { hint: "fix each item above, then run npm run prepare-deployment again" },
    );
  console.log(`prepare-deployment: all ${r.items.length} items passed`);
});
