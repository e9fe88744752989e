import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { hostname } from "node:os";
import path from "node:path";

import { DeployError } from "./errors";

/** Writes `text` (or bytes) to `file` atomically: a temp file in the same folder, fsync, rename, fsync the folder. */
export function atomicWrite(file: string, text: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w", 0o644);
  try {
    if (typeof text === "string") writeSync(fd, text);
    else writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some filesystems refuse fsync on a directory; the rename is still atomic.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

export function atomicWriteJson(file: string, value: unknown): void {
  atomicWrite(file, `${JSON.stringify(value, null, 2)}\n`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * An exclusive lock file (O_EXCL) against two concurrent runs on one deployment. A lock
 * left by a killed run (its pid is gone, same host) is taken over.
 */
export class LockFile {
  private held = false;
  constructor(readonly file: string) {}

  acquire(): void {
    mkdirSync(path.dirname(this.file), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const fd = openSync(this.file, "wx", 0o644);
        writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
        fsyncSync(fd);
        closeSync(fd);
        this.held = true;
        return;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
        let owner: { pid?: number; host?: string; since?: string } = {};
        try {
          owner = JSON.parse(readFileSync(this.file, "utf8")) as typeof owner;
        } catch {
          // Half-written lock: treat as stale.
        }
        const stale = owner.pid === undefined || (owner.host === hostname() && !pidAlive(owner.pid));
        if (stale && attempt === 0) {
          unlinkSync(this.file);
          continue;
        }
        throw new DeployError(
          `another deployment run holds ${this.file} (pid ${owner.pid} on ${owner.host} since ${owner.since})`,
          {
            hint: "wait for it to finish; if that process is gone on another host, delete the lock file",
          },
        );
      }
    }
  }

  release(): void {
    if (this.held && existsSync(this.file)) unlinkSync(this.file);
    this.held = false;
  }
}
