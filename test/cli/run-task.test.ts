import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

/**
 * The runbook's command line as an operator types it, in a child process: Hardhat parses
 * the overridden `run` task's flags (an unknown one would stop it with "Unrecognized
 * param") and the deploy script receives them as its settings.
 */

const ROOT = path.resolve(__dirname, "..", "..");

function hardhat(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "hardhat"), args, {
    cwd: ROOT,
    env: { ...process.env, VAGUS_TIMELOCK: "", VAGUS_DRY_RUN: "", VAGUS_NEW: "", VAGUS_YES: "", ...env },
    encoding: "utf8",
    timeout: 180_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

describe("`hardhat run` with the runbook's flags (child process)", function () {
  this.timeout(400_000);
  let dir: string;
  let env: NodeJS.ProcessEnv;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-run-task-"));
    // An empty release dir: the localnet deploy then checks no manifest (notice only).
    env = { VAGUS_DEPLOYMENTS_DIR: path.join(dir, "deployments"), VAGUS_RELEASE_DIR: path.join(dir, "release") };
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("`run scripts/deploy.ts --network hardhat --timelock --dry-run` reaches the deploy: timelock-mode plan, [i/n] steps, nothing written", () => {
    const r = hardhat(["run", "scripts/deploy.ts", "--network", "hardhat", "--timelock", "--dry-run"], env);
    expect(r.status, r.out).to.equal(0);
    expect(r.out).not.to.match(/Unrecognized param/);
    expect(r.out).to.match(/DRY RUN: nothing is sent/);
    expect(r.out).to.match(/^deployment \S+: EVM hardhat \(chain 31337\).*, timelock mode$/m);
    // Timelock mode has the wiring steps through the timelock, which the default mode has not.
    expect(r.out).to.match(/\[\d+\/\d+\] evm:timelock:schedule-wiring:/);
    expect(existsSync(path.join(dir, "deployments"))).to.equal(false);
  });

  it("VAGUS_DRY_RUN=ture ends with error 10001 before anything is written or sent (exit 1)", () => {
    const r = hardhat(["run", "scripts/deploy.ts", "--network", "hardhat"], { ...env, VAGUS_DRY_RUN: "ture" });
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/deploy: error 10001: .*\n.*VAGUS_DRY_RUN="ture" is not a boolean/);
    expect(r.out).to.include("nothing was sent.");
    expect(r.out).not.to.match(/DRY RUN|\[1\//);
    expect(existsSync(path.join(dir, "deployments"))).to.equal(false);
  });
});
