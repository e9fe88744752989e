import { createHash } from "node:crypto";
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
} from "node:fs";
import path from "node:path";

import { ToolError } from "../cli/errors";
import { REPO_ROOT } from "../deployment/config";
import { atomicWrite, fsyncDir } from "../deployment/fsx";
import { releaseDir } from "../deployment/release";

/**
 * Backups of the local records (`npx hardhat vagus:backup`): `deployments/` (journals,
 * address books, sync files), `governance/` (proposal records) and `release/` (manifest,
 * SBOM, notes), whichever exist, in one dated JSON bundle (docs/decisions/0031):
 *
 *   { format, created, roots, manifest: [{ path, size, sha256 }], manifestSha256, files: { path: base64 } }
 *
 * next to a `<bundle>.sha256` line in `sha256sum` format. Verification checks the bundle's
 * own checksum, that the manifest is the one its checksum names, and every file against
 * the manifest; a restore verifies first and never overwrites a record without `--force`.
 */

export const BACKUP_FORMAT = "vagus-backup/1";

/** Backup error codes (docs/error-codes.md, 179xx). */
export const BACKUP_CODES = {
  /** The file is not a backup bundle: unreadable, not JSON (a truncated bundle), wrong format. */
  unreadable: 17900,
  /** The bundle's bytes differ from its `.sha256` checksum. */
  checksum: 17901,
  /** A file's content differs from its manifest entry (size, sha256) or is missing. */
  fileMismatch: 17902,
  /** The manifest differs from its own checksum, or names an unsafe path or an unknown root. */
  badManifest: 17903,
  /** A restore target holds files and --force was not given. */
  targetNotEmpty: 17904,
  /** Nothing to back up: none of the three folders exists. */
  nothingToBackUp: 17905,
  /** Bad arguments (--verify and --restore together, a missing file). */
  badArguments: 17906,
} as const;

export type RootName = "deployments" | "governance" | "release";
export const ROOT_NAMES: readonly RootName[] = ["deployments", "governance", "release"];

/** Where each backed-up folder lives (the same variables the commands that write them read). */
export function backupRoots(env: NodeJS.ProcessEnv = process.env): Record<RootName, string> {
  return {
    deployments: path.resolve(env.VAGUS_DEPLOYMENTS_DIR ?? path.join(REPO_ROOT, "deployments")),
    governance: path.resolve(env.VAGUS_GOVERNANCE_DIR ?? path.join(REPO_ROOT, "governance")),
    release: releaseDir(env),
  };
}

export function defaultBackupDir(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(env.VAGUS_BACKUP_DIR ?? path.join(REPO_ROOT, "backups"));
}

export interface ManifestEntry {
  /** `<root>/<path inside it>`, with forward slashes. */
  path: string;
  size: number;
  sha256: string;
}

export interface Bundle {
  format: string;
  created: string;
  roots: RootName[];
  manifest: ManifestEntry[];
  manifestSha256: string;
  files: Record<string, string>;
}

const sha256 = (b: Buffer | string) => createHash("sha256").update(b).digest("hex");

/** Lock files and the temp files of atomic writes are not records. */
function isRecord(name: string): boolean {
  return !name.endsWith(".lock") && !/\.tmp-\d+$/.test(name);
}

function walk(dir: string, rel = ""): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(dir, rel)).sort()) {
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(path.join(dir, r));
    if (st.isDirectory()) out.push(...walk(dir, r));
    else if (st.isFile() && isRecord(name)) out.push(r);
  }
  return out;
}

export interface BackupResult {
  file: string;
  files: number;
  bytes: number;
  roots: RootName[];
  sha256: string;
}

/** Writes a bundle of the roots that exist into `outDir`; the bundle and its checksum atomically. */
export function createBackup(roots: Record<RootName, string>, outDir: string, now = new Date()): BackupResult {
  const present = ROOT_NAMES.filter((r) => existsSync(roots[r]) && statSync(roots[r]).isDirectory());
  if (present.length === 0) {
    throw new ToolError(
      BACKUP_CODES.nothingToBackUp,
      `nothing to back up: none of ${ROOT_NAMES.map((r) => roots[r]).join(", ")} exists`,
      { hint: "run from the repository (or set VAGUS_DEPLOYMENTS_DIR / VAGUS_GOVERNANCE_DIR / VAGUS_RELEASE_DIR)" },
    );
  }
  const manifest: ManifestEntry[] = [];
  const files: Record<string, string> = {};
  let bytes = 0;
  for (const root of present) {
    for (const rel of walk(roots[root])) {
      const data = readFileSync(path.join(roots[root], rel));
      const p = `${root}/${rel}`;
      manifest.push({ path: p, size: data.length, sha256: sha256(data) });
      files[p] = data.toString("base64");
      bytes += data.length;
    }
  }
  const bundle: Bundle = {
    format: BACKUP_FORMAT,
    created: now.toISOString(),
    roots: present,
    manifest,
    manifestSha256: sha256(JSON.stringify(manifest)),
    files,
  };
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  const file = path.join(outDir, `vagus-backup-${stamp}.json`);
  const text = `${JSON.stringify(bundle)}\n`;
  const digest = sha256(text);
  atomicWrite(file, text);
  atomicWrite(`${file}.sha256`, `${digest}  ${path.basename(file)}\n`);
  return { file, files: manifest.length, bytes, roots: present, sha256: digest };
}

/** A path inside a root: relative, no `..`, no empty or absolute part. */
function safePath(p: string): boolean {
  const parts = p.split("/");
  return (
    parts.length >= 2 &&
    (ROOT_NAMES as readonly string[]).includes(parts[0]) &&
    parts.every((x) => x !== "" && x !== "." && x !== "..") &&
    !p.includes("\\") &&
    !p.includes("\0")
  );
}

export interface VerifiedBackup {
  bundle: Bundle;
  /** Whether the `.sha256` file was there and matched (absent: the manifest checks only). */
  checksumFile: boolean;
  contents: Map<string, Buffer>;
}

/** Checks a bundle; throws a ToolError (179xx) naming the first kind of damage and each damaged file. */
export function verifyBackup(file: string): VerifiedBackup {
  if (!existsSync(file) || !statSync(file).isFile()) {
    throw new ToolError(BACKUP_CODES.badArguments, `no backup file ${file}`);
  }
  const raw = readFileSync(file);
  const sumFile = `${file}.sha256`;
  let checksumFile = false;
  if (existsSync(sumFile)) {
    const expected = readFileSync(sumFile, "utf8").trim().split(/\s+/)[0];
    const actual = sha256(raw);
    if (expected !== actual) {
      throw new ToolError(
        BACKUP_CODES.checksum,
        `${file} does not match its checksum: sha256 ${actual}, ${path.basename(sumFile)} says ${expected}`,
        { hint: "the bundle was changed or cut short after it was written: use another backup" },
      );
    }
    checksumFile = true;
  }
  let bundle: Bundle;
  try {
    bundle = JSON.parse(raw.toString("utf8")) as Bundle;
  } catch (err) {
    throw new ToolError(
      BACKUP_CODES.unreadable,
      `${file} is not a backup bundle (truncated or not JSON: ${(err as Error).message})`,
      { hint: "use another backup" },
    );
  }
  if (
    bundle === null ||
    typeof bundle !== "object" ||
    bundle.format !== BACKUP_FORMAT ||
    !Array.isArray(bundle.manifest) ||
    typeof bundle.files !== "object" ||
    bundle.files === null
  ) {
    throw new ToolError(BACKUP_CODES.unreadable, `${file} is not a ${BACKUP_FORMAT} bundle`);
  }
  if (sha256(JSON.stringify(bundle.manifest)) !== bundle.manifestSha256) {
    throw new ToolError(
      BACKUP_CODES.badManifest,
      `${file}: the manifest does not match its checksum ${String(bundle.manifestSha256)}`,
      { hint: "the manifest was edited: use another backup" },
    );
  }
  const problems: string[] = [];
  const listed = new Set<string>();
  for (const e of bundle.manifest) {
    if (typeof e?.path !== "string" || !safePath(e.path))
      problems.push(`unsafe or malformed path ${JSON.stringify(e?.path)}`);
    else if (listed.has(e.path)) problems.push(`${e.path} is listed twice`);
    else listed.add(e.path);
  }
  for (const p of Object.keys(bundle.files))
    if (!listed.has(p)) problems.push(`${p} is in the bundle but not in the manifest`);
  if (problems.length > 0) {
    throw new ToolError(BACKUP_CODES.badManifest, `${file}: the manifest is wrong:\n  - ${problems.join("\n  - ")}`);
  }
  const contents = new Map<string, Buffer>();
  for (const e of bundle.manifest) {
    const b64 = bundle.files[e.path];
    const data = typeof b64 === "string" ? Buffer.from(b64, "base64") : undefined;
    if (data === undefined || data.toString("base64") !== b64) problems.push(`${e.path}: missing or not base64`);
    else if (data.length !== e.size || sha256(data) !== e.sha256)
      problems.push(
        `${e.path}: ${data.length} bytes sha256 ${sha256(data)}, the manifest has ${e.size} bytes ${e.sha256}`,
      );
    else contents.set(e.path, data);
  }
  if (problems.length > 0) {
    throw new ToolError(
      BACKUP_CODES.fileMismatch,
      `${file}: ${problems.length} file(s) differ from the manifest:\n  - ${problems.join("\n  - ")}`,
      { hint: "use another backup" },
    );
  }
  return { bundle, checksumFile, contents };
}

function isEmptyDir(dir: string): boolean {
  return !existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === 0);
}

export interface RestoreResult {
  files: number;
  roots: { name: RootName; target: string }[];
}

/**
 * Restores a verified bundle. A missing or empty target is written in a staging folder
 * beside it and renamed into place (a crash leaves no half-restored folder); a target that
 * holds files is refused unless `force`, which then overwrites the bundle's files there,
 * each atomically, and leaves other files alone.
 */
export function restoreBackup(
  file: string,
  roots: Record<RootName, string>,
  opts: { force?: boolean } = {},
): RestoreResult {
  const { bundle, contents } = verifyBackup(file);
  const busy = bundle.roots.filter((r) => !isEmptyDir(roots[r]));
  if (busy.length > 0 && !opts.force) {
    throw new ToolError(
      BACKUP_CODES.targetNotEmpty,
      `refusing to overwrite: ${busy.map((r) => roots[r]).join(", ")} ${busy.length === 1 ? "holds" : "hold"} files`,
      {
        hint: "move the folder away (or restore elsewhere with VAGUS_DEPLOYMENTS_DIR / ...), or add --force to overwrite the bundle's files",
      },
    );
  }
  const out: RestoreResult = { files: 0, roots: [] };
  for (const root of bundle.roots) {
    const target = roots[root];
    const mine = bundle.manifest.filter((e) => e.path.startsWith(`${root}/`));
    const direct = isEmptyDir(target);
    const base = direct ? `${target}.restore-${process.pid}` : target;
    if (direct) rmSync(base, { recursive: true, force: true });
    for (const e of mine) atomicWrite(path.join(base, ...e.path.split("/").slice(1)), contents.get(e.path)!);
    if (direct) {
      if (existsSync(target)) rmdirSync(target);
      mkdirSync(base, { recursive: true });
      renameSync(base, target);
      fsyncDir(path.dirname(target));
    }
    out.files += mine.length;
    out.roots.push({ name: root, target });
  }
  return out;
}
