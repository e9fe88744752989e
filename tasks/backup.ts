import { task, types } from "hardhat/config";

/**
 * `npx hardhat vagus:backup [--out <dir>]`, `--verify <file>`, `--restore <file> [--force]`:
 * dated, checksummed backups of deployments/, governance/ and release/ (src/backup).
 * Reads no chain, needs no key and no --network.
 */
task("vagus:backup", "Back up deployments/, governance/ and release/; --verify or --restore a backup")
  .addOptionalParam(
    "out",
    "folder the backup is written to (default backups/ or VAGUS_BACKUP_DIR)",
    undefined,
    types.string,
  )
  .addOptionalParam("verify", "check a backup file: its checksum, manifest and every file", undefined, types.string)
  .addOptionalParam("restore", "restore a backup file into empty or missing folders", undefined, types.string)
  .addFlag("force", "with --restore: overwrite the backup's files in folders that hold files")
  .setAction(async (args: { out?: string; verify?: string; restore?: string; force: boolean }) => {
    const { runCommand } = await import("../src/cli/errors");
    const { runBackupCli } = await import("../src/backup/cli");
    await runCommand("vagus:backup", () => runBackupCli(args));
  });
