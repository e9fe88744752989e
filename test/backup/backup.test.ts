import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { createBackup, restoreBackup, verifyBackup, type Bundle, type RootName } from "../../src/backup";
import { runBackupCli } from "../../src/backup/cli";
import { ToolError } from "../../src/cli/errors";

/** Backups of the local records: the bundle, its checks (each kind of damage has its code), restore. */

const sha = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

function codeOf(fn: () => unknown): number | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ToolError) return err.code;
    throw err;
  }
  return undefined;
}

describe("vagus:backup bundles", () => {
  let dir: string;
  let roots: Record<RootName, string>;
  const journal = '{"seq":1,"phase":"begin"}\n{"seq":2,"phase":"complete"}\n';
  const binary = Buffer.from([0, 255, 1, 254, 10, 13, 0x80]);

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-backup-"));
    roots = {
      deployments: path.join(dir, "deployments"),
      governance: path.join(dir, "governance"),
      release: path.join(dir, "release"),
    };
    mkdirSync(path.join(roots.deployments, "localhost+wasm-localnet"), { recursive: true });
    writeFileSync(path.join(roots.deployments, "localhost+wasm-localnet", "journal.jsonl"), journal);
    writeFileSync(path.join(roots.deployments, "localhost+wasm-localnet", "journal.lock"), "{}");
    writeFileSync(path.join(roots.deployments, "localhost.json"), '{"a":1}\n');
    mkdirSync(roots.release);
    writeFileSync(path.join(roots.release, "blob.bin"), binary);
    // governance/ does not exist: only the folders that exist are backed up.
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const make = () => createBackup(roots, path.join(dir, "out"), new Date("2026-12-05T01:02:03.456Z"));
  const edit = (file: string, f: (b: Bundle) => void, keepManifestSum = false) => {
    const b = JSON.parse(readFileSync(file, "utf8")) as Bundle;
    f(b);
    if (!keepManifestSum) b.manifestSha256 = sha(JSON.stringify(b.manifest));
    writeFileSync(file, JSON.stringify(b));
    unlinkSync(`${file}.sha256`);
  };

  it("is a dated JSON bundle with a sha256sum line; its manifest has each record's size and sha256, no lock file", () => {
    const r = make();
    expect(path.basename(r.file)).to.equal("vagus-backup-20261205T010203Z.json");
    const text = readFileSync(r.file);
    expect(readFileSync(`${r.file}.sha256`, "utf8")).to.equal(`${sha(text)}  vagus-backup-20261205T010203Z.json\n`);
    const b = JSON.parse(text.toString("utf8")) as Bundle;
    expect(b.roots).to.deep.equal(["deployments", "release"]);
    expect(b.manifest).to.deep.equal([
      { path: "deployments/localhost+wasm-localnet/journal.jsonl", size: journal.length, sha256: sha(journal) },
      { path: "deployments/localhost.json", size: 8, sha256: sha('{"a":1}\n') },
      { path: "release/blob.bin", size: binary.length, sha256: sha(binary) },
    ]);
    expect(verifyBackup(r.file).checksumFile).to.equal(true);
  });

  it("restores into missing folders byte for byte (binary included), verified first", () => {
    const r = make();
    rmSync(roots.deployments, { recursive: true });
    rmSync(roots.release, { recursive: true });
    const out = restoreBackup(r.file, roots);
    expect(out.files).to.equal(3);
    expect(readFileSync(path.join(roots.deployments, "localhost+wasm-localnet", "journal.jsonl"), "utf8")).to.equal(
      journal,
    );
    expect(readFileSync(path.join(roots.release, "blob.bin"))).to.deep.equal(binary);
    expect(existsSync(path.join(roots.deployments, "localhost+wasm-localnet", "journal.lock"))).to.equal(false);
    expect(existsSync(roots.governance)).to.equal(false);
  });

  it("a restore onto folders that hold files is refused (17904) and writes nothing; --force overwrites the bundle's files", () => {
    const r = make();
    const j = path.join(roots.deployments, "localhost+wasm-localnet", "journal.jsonl");
    writeFileSync(j, "changed\n");
    expect(codeOf(() => restoreBackup(r.file, roots))).to.equal(17904);
    expect(readFileSync(j, "utf8")).to.equal("changed\n");
    restoreBackup(r.file, roots, { force: true });
    expect(readFileSync(j, "utf8")).to.equal(journal);
  });

  it("one byte changed: 17901 against the .sha256; without it, 17902 naming the file; restore refuses it", () => {
    const r = make();
    const text = readFileSync(r.file, "utf8");
    const b64 = Buffer.from(journal).toString("base64");
    const flipped = b64.slice(0, 4) + (b64[4] === "A" ? "B" : "A") + b64.slice(5);
    writeFileSync(r.file, text.replace(b64, flipped));
    expect(codeOf(() => verifyBackup(r.file))).to.equal(17901);
    unlinkSync(`${r.file}.sha256`);
    let message = "";
    try {
      verifyBackup(r.file);
    } catch (err) {
      expect((err as ToolError).code).to.equal(17902);
      message = (err as Error).message;
    }
    expect(message).to.include("deployments/localhost+wasm-localnet/journal.jsonl");
    rmSync(roots.deployments, { recursive: true });
    expect(codeOf(() => restoreBackup(r.file, roots))).to.equal(17902);
    expect(existsSync(roots.deployments)).to.equal(false);
  });

  it("a truncated bundle: 17901 against the .sha256; without it, 17900 (not JSON)", () => {
    const r = make();
    const text = readFileSync(r.file);
    writeFileSync(r.file, text.subarray(0, Math.floor(text.length / 2)));
    expect(codeOf(() => verifyBackup(r.file))).to.equal(17901);
    unlinkSync(`${r.file}.sha256`);
    expect(codeOf(() => verifyBackup(r.file))).to.equal(17900);
  });

  it("a wrong manifest: an edited entry (17903), an entry whose file differs (17902), an unsafe path (17903), an unlisted file (17903)", () => {
    let r = make();
    edit(r.file, (b) => (b.manifest[0].sha256 = "00".repeat(32)), true);
    expect(codeOf(() => verifyBackup(r.file))).to.equal(17903);
    r = make();
    edit(r.file, (b) => (b.manifest[1].size = 9));
    expect(codeOf(() => verifyBackup(r.file))).to.equal(17902);
    r = make();
    edit(r.file, (b) => {
      const p = "deployments/../../escape.json";
      b.files[p] = b.files[b.manifest[1].path];
      b.manifest[1] = { ...b.manifest[1], path: p };
      delete b.files["deployments/localhost.json"];
    });
    expect(codeOf(() => verifyBackup(r.file))).to.equal(17903);
    r = make();
    edit(r.file, (b) => (b.files["deployments/extra.json"] = "e30="));
    expect(codeOf(() => verifyBackup(r.file))).to.equal(17903);
  });

  it("nothing to back up is 17905; --verify with --restore is 17906", () => {
    for (const r of Object.values(roots)) rmSync(r, { recursive: true, force: true });
    expect(codeOf(() => make())).to.equal(17905);
    expect(codeOf(() => void runBackupCli({ verify: "a", restore: "b" }, {}, () => {}))).to.equal(17906);
  });
});
