import { appendFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { bookText, deriveBook } from "../../src/deployment/address-book";
import { LockFile, atomicWriteJson } from "../../src/deployment/fsx";
import { GENESIS_HASH, Journal, verifyJournalText } from "../../src/deployment/journal";
import { createHash } from "node:crypto";

describe("deploy journal, lock and address book", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-journal-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("an intent without a result is pending; a result ends it; reopening reads the same state", () => {
    const file = path.join(dir, "journal.jsonl");
    const j = Journal.open(file);
    j.append({ deployment: "d1", phase: "begin", data: { evmChainId: "31337" } });
    j.append({ deployment: "d1", phase: "intent", step: "s1", network: "n", data: { nonce: 0 } });
    expect(j.pendingIntent("d1", "s1")?.data).to.deep.equal({ nonce: 0 });
    expect(j.outcome("d1", "s1")).to.equal(undefined);
    const again = Journal.open(file);
    expect(again.pendingIntent("d1", "s1")?.seq).to.equal(2);
    again.append({ deployment: "d1", phase: "recovered", step: "s1", network: "n", data: {} });
    expect(again.pendingIntent("d1", "s1")).to.equal(undefined);
    expect(again.outcome("d1", "s1")?.phase).to.equal("recovered");
    expect(again.openDeployment()?.deployment).to.equal("d1");
    again.append({ deployment: "d1", phase: "complete" });
    expect(Journal.open(file).openDeployment()).to.equal(undefined);
  });

  it("a torn last line (killed mid-append) is ignored; a torn line before the end is an error", () => {
    const file = path.join(dir, "journal.jsonl");
    const j = Journal.open(file);
    j.append({ deployment: "d", phase: "begin" });
    appendFileSync(file, '{"seq":2,"time":"x","deploy');
    expect(Journal.open(file).entries).to.have.length(1);
    appendFileSync(file, '\n{"seq":3}\n');
    expect(() => Journal.open(file)).to.throw(/line 2 is not JSON/);
  });

  it("refuses to record anything named like key material", () => {
    const j = Journal.open(path.join(dir, "j.jsonl"));
    expect(() =>
      j.append({ deployment: "d", phase: "intent", step: "s", data: { signer: { mnemonic: "x" } } }),
    ).to.throw(/refusing to record field data.signer.mnemonic/);
    expect(() => j.append({ deployment: "d", phase: "intent", step: "s", data: { privateKey: "0x" } })).to.throw(
      /refusing/,
    );
    expect(j.entries).to.have.length(0);
  });

  it("the lock is exclusive while its owner lives and taken over when the owner is gone", () => {
    const file = path.join(dir, "journal.lock");
    const a = new LockFile(file);
    a.acquire();
    expect(() => new LockFile(file).acquire()).to.throw(/another deployment run holds/);
    a.release();
    // A lock of a dead process (pid 2^22 + 1 does not exist on Linux: pid_max ≤ 2^22).
    writeFileSync(file, JSON.stringify({ pid: 4194305, host: hostname(), since: "then" }));
    const b = new LockFile(file);
    b.acquire();
    expect(JSON.parse(readFileSync(file, "utf8")).pid).to.equal(process.pid);
    b.release();
  });

  it("atomic JSON writes leave no temp file behind", () => {
    atomicWriteJson(path.join(dir, "x", "a.json"), { a: 1 });
    expect(JSON.parse(readFileSync(path.join(dir, "x", "a.json"), "utf8"))).to.deep.equal({ a: 1 });
    expect(readdirSync(path.join(dir, "x"))).to.deep.equal(["a.json"]);
  });

  it("the address book merges a component's records and keeps replaced ones in history", () => {
    const j = Journal.open(path.join(dir, "j.jsonl"));
    const rec = (deployment: string, step: string, record: Record<string, unknown>) =>
      j.append({
        deployment,
        phase: "result",
        step,
        network: "evm1",
        data: { name: "RateLimiter", network: "evm1", record },
      });
    rec("d1", "impl", { implementation: "0xI1", tx: "0xt1", block: 3 });
    rec("d1", "proxy", { address: "0xP", implementation: "0xI1", tx: "0xt2", block: 4 });
    j.append({
      deployment: "d1",
      phase: "result",
      step: "other",
      network: "wasm1",
      data: { name: "RateLimiter", network: "wasm1", record: { address: "wasm1x" } },
    });
    rec("d2", "upgrade", { implementation: "0xI2", tx: "0xt3", block: 9 });
    const book = deriveBook(j, "evm1", "evm", "31337");
    const e = book.contracts.RateLimiter;
    expect(e.address).to.equal("0xP");
    expect(e.implementation).to.equal("0xI2");
    expect(e.tx).to.equal("0xt3");
    expect(e.history).to.have.length(1);
    expect(e.history[0]).to.include({ implementation: "0xI1", address: "0xP", tx: "0xt2", block: 4, deployment: "d1" });
  });

  describe("hash chain (append-only journal)", () => {
    const sha = (t: string) => createHash("sha256").update(t).digest("hex");
    function chained(file: string): string[] {
      const j = Journal.open(file);
      j.append({ deployment: "d", phase: "begin", data: { big: 12345678901234567890n } });
      j.append({
        deployment: "d",
        phase: "result",
        step: "s1",
        network: "n",
        data: { record: { address: "0xa" }, name: "A", network: "n" },
      });
      j.append({ deployment: "d", phase: "complete" });
      return readFileSync(file, "utf8").split("\n").filter(Boolean);
    }

    it("each line carries the previous line's hash (zeros first) and a sha256 of its own content", () => {
      const file = path.join(dir, "journal.jsonl");
      const lines = chained(file).map((l) => JSON.parse(l) as { prev: string; hash: string; seq: number });
      expect(lines[0].prev).to.equal("0".repeat(64));
      expect(GENESIS_HASH).to.equal("0".repeat(64));
      expect(lines[1].prev).to.equal(lines[0].hash);
      expect(lines[2].prev).to.equal(lines[1].hash);
      // Recomputed here from the definition: sha256(prev + "\n" + the line's JSON without hash).
      const raw = readFileSync(file, "utf8").split("\n")[1];
      const withoutHash = raw.replace(/,"hash":"[0-9a-f]{64}"}$/, "}");
      expect(lines[1].hash).to.equal(sha(`${lines[1].prev}\n${withoutHash}`));
      expect(verifyJournalText(readFileSync(file, "utf8"))).to.deep.equal({ problems: [], entries: 3, chained: 3 });
    });

    it("an edited line, a re-hashed edited line, a deleted line and a reordered pair are each detected", () => {
      const file = path.join(dir, "journal.jsonl");
      const lines = chained(file);
      const edited = [...lines];
      edited[1] = edited[1].replace('"0xa"', '"0xb"');
      expect(verifyJournalText(edited.join("\n")).problems.join("; ")).to.match(
        /line 2: content does not match its hash/,
      );

      const rehashed = [...lines];
      const e = JSON.parse(rehashed[1].replace('"0xa"', '"0xb"')) as Record<string, unknown>;
      delete e.hash;
      e.hash = sha(`${String(e.prev)}\n${JSON.stringify(e)}`);
      rehashed[1] = JSON.stringify(e);
      const r = verifyJournalText(rehashed.join("\n")).problems.join("; ");
      expect(r).to.match(/line 3: prev/);
      expect(r).not.to.match(/line 2/);

      expect(verifyJournalText([lines[0], lines[2]].join("\n")).problems.join("; ")).to.match(
        /line 2: seq 3, expected 2/,
      );
      expect(verifyJournalText([lines[0], lines[2], lines[1]].join("\n")).problems).to.have.length.greaterThan(1);
    });

    it("an old journal without hashes still reads; appending chains from the sha256 of its last raw line", () => {
      const file = path.join(dir, "journal.jsonl");
      const old = [
        '{"seq":1,"time":"2026-01-01T00:00:00.000Z","deployment":"d","phase":"begin"}',
        '{"seq":2,"time":"2026-01-01T00:00:01.000Z","deployment":"d","phase":"complete"}',
      ];
      writeFileSync(file, old.join("\n") + "\n");
      const j = Journal.open(file);
      expect(j.entries).to.have.length(2);
      const next = j.append({ deployment: "e", phase: "begin" });
      expect(next.prev).to.equal(sha(old[1]));
      const text = readFileSync(file, "utf8");
      expect(verifyJournalText(text)).to.deep.equal({ problems: [], entries: 3, chained: 1 });
      // An unchained line after the chain started is a replaced or inserted line.
      writeFileSync(file, text + '{"seq":4,"time":"x","deployment":"e","phase":"complete"}\n');
      expect(verifyJournalText(readFileSync(file, "utf8")).problems.join()).to.match(
        /line 4: no hash after the hash chain started/,
      );
    });

    it("address books are a function of the journal: derived twice, byte-identical; `updated` is the last record's time", () => {
      const file = path.join(dir, "journal.jsonl");
      chained(file);
      const a = bookText(deriveBook(Journal.open(file), "n", "evm", "31337"));
      const b = bookText(deriveBook(Journal.open(file), "n", "evm", "31337"));
      expect(a).to.equal(b);
      const result = Journal.open(file).entries[1];
      expect((JSON.parse(a) as { updated: string }).updated).to.equal(result.time);
    });
  });
});
