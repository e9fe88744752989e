import path from "node:path";

import { ToolError } from "../cli/errors";
import { BACKUP_CODES, backupRoots, createBackup, defaultBackupDir, restoreBackup, verifyBackup } from "./index";

export interface BackupArgs {
  out?: string;
  verify?: string;
  restore?: string;
  force?: boolean;
}

/** The `vagus:backup` task's body; resolves with the exit code, throws a ToolError on failure. */
export function runBackupCli(
  args: BackupArgs,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (l) => console.log(l),
): Promise<number> {
  const given = [args.verify && "--verify", args.restore && "--restore"].filter(Boolean);
  if (given.length > 1 || (given.length > 0 && args.out)) {
    throw new ToolError(
      BACKUP_CODES.badArguments,
      `give one of --out, --verify, --restore (got ${[...given, args.out && "--out"].filter(Boolean).join(", ")})`,
    );
  }
  if (args.force && !args.restore) throw new ToolError(BACKUP_CODES.badArguments, "--force goes with --restore only");
  const rel = (p: string) => path.relative(process.cwd(), p) || p;

  if (args.verify) {
    const { bundle, checksumFile } = verifyBackup(path.resolve(args.verify));
    const bytes = bundle.manifest.reduce((n, e) => n + e.size, 0);
    log(
      `backup ${rel(path.resolve(args.verify))}: ok: ${bundle.manifest.length} files (${bytes} bytes) of ${bundle.roots.join(", ")}, made ${bundle.created}; every sha256 matches the manifest${checksumFile ? ", the bundle matches its .sha256" : " (no .sha256 file beside it: bundle checksum not checked)"}`,
    );
    return Promise.resolve(0);
  }
  const roots = backupRoots(env);
  if (args.restore) {
    const r = restoreBackup(path.resolve(args.restore), roots, { force: args.force });
    for (const x of r.roots) log(`restored ${x.name}/ into ${rel(x.target)}`);
    log(`restore: ${r.files} files from ${rel(path.resolve(args.restore))}; verified before writing`);
    return Promise.resolve(0);
  }
  const r = createBackup(roots, path.resolve(args.out ?? defaultBackupDir(env)));
  log(
    `backup ${rel(r.file)}: ${r.files} files (${r.bytes} bytes) of ${r.roots.join(", ")}; sha256 ${r.sha256} (${rel(r.file)}.sha256)`,
  );
  log(`  check it with: npx hardhat vagus:backup --verify ${rel(r.file)}`);
  return Promise.resolve(0);
}
