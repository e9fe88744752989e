import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

/**
 * A backup round trip on the localnets, by the commands an operator types: deploy both
 * stacks, `vagus:backup`, `vagus:backup --verify`, delete deployments/ (verify-deployment
 * then fails), `vagus:backup --restore`, and verify-deployment and vagus:check pass on the
 * restored records; a damaged copy of the backup is refused.
 */

const ROOT = path.resolve(__dirname, "..", "..");

function hardhat(args: string[], env: Record<string, string>) {
  const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "hardhat"), args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: "utf8",
    timeout: 600_000,
  });
  return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
}

/** Every file under `dir` → sha256, by relative path. */
function tree(dir: string, rel = ""): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(dir, r)).isDirectory()) Object.assign(out, tree(dir, r));
    else
      out[r] = createHash("sha256")
        .update(readFileSync(path.join(dir, r)))
        .digest("hex");
  }
  return out;
}

describe("backup round trip on the localnets: deploy, back up, delete, restore, verify", function () {
  this.timeout(900_000);
  const dir = mkdtempSync(path.join(tmpdir(), "vagus-backup-e2e-"));
  const deployments = path.join(dir, "deployments");
  const env = {
    VAGUS_DEPLOYMENTS_DIR: deployments,
    VAGUS_GOVERNANCE_DIR: path.join(dir, "governance"),
    VAGUS_RELEASE_DIR: path.join(dir, "release"),
  };
  let bundle = "";
  let before: Record<string, string> = {};
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("deploy, then vagus:backup writes a dated bundle and --verify accepts it", () => {
    const d = hardhat(["run", "scripts/deploy.ts", "--network", "localhost"], env);
    expect(d.status, d.out).to.equal(0);
    before = tree(deployments);
    expect(Object.keys(before)).to.include("localhost+wasm-localnet/journal.jsonl");
    const b = hardhat(["vagus:backup", "--out", path.join(dir, "backups")], env);
    expect(b.status, b.out).to.equal(0);
    const m = /^backup (\S+): (\d+) files/m.exec(b.out);
    expect(m, b.out).to.not.equal(null);
    bundle = path.resolve(ROOT, m![1]);
    expect(path.basename(bundle)).to.match(/^vagus-backup-\d{8}T\d{6}Z\.json$/);
    expect(Number(m![2])).to.equal(Object.keys(before).length);
    const v = hardhat(["vagus:backup", "--verify", bundle], env);
    expect(v.status, v.out).to.equal(0);
    expect(v.out).to.match(/: ok: \d+ files .* the bundle matches its \.sha256/);
  });

  it("a damaged copy (one byte) is refused by --verify with 17901, exit 1", () => {
    const copy = path.join(dir, "damaged.json");
    const text = readFileSync(bundle, "utf8");
    const at = text.indexOf('"files"') + 20;
    writeFileSync(copy, text.slice(0, at) + (text[at] === "A" ? "B" : "A") + text.slice(at + 1));
    writeFileSync(
      `${copy}.sha256`,
      readFileSync(`${bundle}.sha256`, "utf8").replace(path.basename(bundle), "damaged.json"),
    );
    const v = hardhat(["vagus:backup", "--verify", copy], env);
    expect(v.status, v.out).to.equal(1);
    expect(v.out).to.match(/vagus:backup: error 17901: /);
  });

  it("with deployments/ deleted verify-deployment fails; --restore brings it back byte for byte and verify-deployment passes", () => {
    rmSync(deployments, { recursive: true });
    const gone = hardhat(["run", "scripts/verify-deployment.ts", "--network", "localhost"], env);
    expect(gone.status, gone.out).to.equal(1);
    expect(gone.out).to.match(/no deployment recorded/);
    const r = hardhat(["vagus:backup", "--restore", bundle], env);
    expect(r.status, r.out).to.equal(0);
    expect(tree(deployments)).to.deep.equal(before);
    const v = hardhat(["run", "scripts/verify-deployment.ts", "--network", "localhost"], env);
    expect(v.status, v.out).to.equal(0);
    expect(v.out).to.match(/all \d+ checks pass/);
  });

  it("restoring again onto the restored records is refused with 17904 (no --force): nothing overwritten", () => {
    const r = hardhat(["vagus:backup", "--restore", bundle], env);
    expect(r.status, r.out).to.equal(1);
    expect(r.out).to.match(/vagus:backup: error 17904: refusing to overwrite/);
    expect(tree(deployments)).to.deep.equal(before);
  });

  it("on the restored records the daily check passes: journal hash chain, books re-derived, sync, roles, verify", () => {
    const c = hardhat(["vagus:check", "--network", "localhost"], env);
    expect(c.status, c.out).to.equal(0);
    expect(c.out).to.match(/all \d+ items passed/);
    for (const kind of ["verify", "access", "sync", "journal", "books", "drift"]) expect(c.out).to.include(kind);
  });
});
