import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { Journal } from "../../src/deployment/journal";
import { bookText, deriveBook, writeBook } from "../../src/deployment/address-book";
import { artifactDifferences, artifactSetOf } from "../../src/release/artifacts";
import { checkDrift, checkRecords, checkReportOf } from "../../src/release/check";
import { CHECK, RELEASE } from "../../src/release/codes";
import {
  checkRunCommand,
  deployedFromManifest,
  equivalenceGate,
  predeployGate,
  versionGate,
  type DeployedState,
  type ReleaseComponent,
} from "../../src/release/gates";
import {
  cargoOutdated,
  diffPackages,
  git,
  releaseNotes,
  rollbackLines,
  rollbackPlan,
  sbomPackages,
} from "../../src/release/notes";
import type { EquivalenceReport } from "../../src/equivalence/report";
import type { PredeployResults } from "../../src/release/predeploy";

/** Each release gate and daily-check item on its own: what passes, and the code of each failure. */

const REL: ReleaseComponent = {
  name: "RateLimiter",
  version: "0.2.0",
  evmContract: "RateLimiter",
  wasmArtifact: "rate_limiter.wasm",
  evmCreation: "0xaa",
  wasmSha256: "bb",
};
const at = (d: Partial<DeployedState>): DeployedState => ({
  component: "RateLimiter",
  stack: "evm",
  where: "localhost",
  evmNetwork: "localhost",
  ...d,
});

describe("release gates", () => {
  describe("version rule", () => {
    it("changed code needs a higher version: 0.2.0 over 0.1.0 passes; equal or lower is 17001", () => {
      expect(versionGate(REL, at({ version: "0.1.0", sameCode: false })).ok).to.equal(true);
      const same = versionGate(REL, at({ version: "0.2.0", sameCode: false }));
      expect([same.ok, same.code]).to.deep.equal([false, RELEASE.versionNotRaised]);
      expect(versionGate(REL, at({ version: "0.10.0", sameCode: false })).code).to.equal(17001);
    });
    it("unchanged code needs the same version: equal passes, any other is 17002", () => {
      expect(versionGate(REL, at({ version: "0.2.0", sameCode: true })).ok).to.equal(true);
      expect(versionGate(REL, at({ version: "0.1.0", sameCode: true })).code).to.equal(RELEASE.versionWithoutChange);
      expect(versionGate(REL, at({ version: "0.3.0", sameCode: true })).code).to.equal(17002);
    });
    it("a deployed contract without a version, unknown code or a read error is 17003", () => {
      expect(versionGate(REL, at({ sameCode: false })).code).to.equal(RELEASE.deployedUnreadable);
      expect(versionGate(REL, at({ version: "0.1.0" })).code).to.equal(17003);
      expect(versionGate(REL, at({ error: "boom" })).detail).to.equal("boom");
    });
    it("the previous release's manifest compares the creation bytecode and wasm checksums", () => {
      const d = deployedFromManifest([REL], {
        RateLimiter: {
          version: "0.1.0",
          evmContract: "RateLimiter",
          evmCreationKeccak256: "0xaa",
          wasmArtifact: "rate_limiter.wasm",
          wasmSha256: "cc",
        },
      });
      expect(d.map((x) => [x.stack, x.sameCode, x.version])).to.deep.equal([
        ["evm", true, "0.1.0"],
        ["wasm", false, "0.1.0"],
      ]);
      // EVM same code with another version: 17002; wasm changed and raised: ok.
      expect(d.map((x) => versionGate(REL, x).code ?? "ok")).to.deep.equal([17002, "ok"]);
      expect(deployedFromManifest([REL], undefined)).to.deep.equal([]);
    });
  });

  describe("reports from exactly these artifacts", () => {
    const set = artifactSetOf({ RateLimiter: "0x01" }, { "rate_limiter.wasm": "aa" });
    const other = artifactSetOf({ RateLimiter: "0x02" }, { "rate_limiter.wasm": "aa" });
    const eq = (verdict: EquivalenceReport["verdict"], artifactSet = set) =>
      ({
        generatedAt: "t",
        verdict,
        artifactSet,
        totals: { scenarios: 3, passed: 3, steps: 1, campaignSteps: 0 },
      }) as unknown as EquivalenceReport;

    it("the artifact set's digest changes with any hash; differences name the artifact", () => {
      expect(set.digest).not.to.equal(other.digest);
      expect(artifactDifferences(other, set)).to.deep.equal(["EVM RateLimiter: report 0x02…, build 0x01…"]);
      expect(artifactDifferences(undefined, set)).to.deep.equal(["no artifact checksums recorded"]);
    });
    it("equivalence: missing 17010, from other artifacts 17011, not EQUIVALENT 17012, else ok", () => {
      expect(equivalenceGate(undefined, "f", set).code).to.equal(RELEASE.equivalenceMissing);
      expect(equivalenceGate(eq("EQUIVALENT", other), "f", set).code).to.equal(RELEASE.equivalenceStale);
      expect(equivalenceGate({ ...eq("EQUIVALENT"), artifactSet: undefined }, "f", set).code).to.equal(17011);
      expect(equivalenceGate(eq("DIVERGENT"), "f", set).code).to.equal(RELEASE.equivalenceRed);
      expect(equivalenceGate(eq("EQUIVALENT"), "f", set).ok).to.equal(true);
    });
    it("predeploy: missing 17020, other artifacts or rebuilt mid-run 17021, a red or missing stage 17022", () => {
      const r = (stages: { name: string; ok: boolean }[], artifactSet = set, before = set): PredeployResults => ({
        generatedAt: "t",
        ok: true,
        stages,
        artifactSet,
        artifactSetBefore: before,
      });
      const green = [
        { name: "evm", ok: true },
        { name: "wasm", ok: true },
        { name: "equivalence", ok: true },
      ];
      expect(predeployGate(undefined, "f", set).code).to.equal(RELEASE.predeployMissing);
      expect(predeployGate(r(green, other), "f", set).code).to.equal(RELEASE.predeployStale);
      expect(predeployGate(r(green, set, other), "f", set).code).to.equal(17021);
      expect(predeployGate(r([...green.slice(0, 2), { name: "equivalence", ok: false }]), "f", set).code).to.equal(
        RELEASE.predeployRed,
      );
      expect(predeployGate(r(green.slice(0, 2)), "f", set).detail).to.match(/did not run: equivalence/);
      expect(predeployGate(r(green), "f", set).ok).to.equal(true);
    });
  });

  describe("dependency review", () => {
    const bom = (c: { purl: string }[]) => JSON.stringify({ components: c.map((x) => ({ name: "x", ...x })) });
    it("reads npm and cargo purls (scoped names decoded) and diffs added / removed / changed", () => {
      const before = sbomPackages(
        bom([
          { purl: "pkg:npm/%40cosmjs/amino@0.36.1" },
          { purl: "pkg:cargo/serde@1.0.1" },
          { purl: "pkg:npm/left-pad@1.0.0" },
        ]),
      );
      const after = sbomPackages(
        bom([
          { purl: "pkg:npm/%40cosmjs/amino@0.36.2" },
          { purl: "pkg:cargo/serde@1.0.1" },
          { purl: "pkg:cargo/semver@1.0.0" },
        ]),
      );
      expect([...before.keys()]).to.include("npm @cosmjs/amino");
      expect(diffPackages(before, after)).to.deep.equal({
        added: [{ pkg: "cargo semver", version: "1.0.0" }],
        removed: [{ pkg: "npm left-pad", version: "1.0.0" }],
        changed: [{ pkg: "npm @cosmjs/amino", from: "0.36.1", to: "0.36.2" }],
      });
    });
  });

  describe("rollback plan", () => {
    it("one command per component and stack back to what runs now; every flag is a run flag", () => {
      const lines = rollbackLines([
        at({ version: "0.1.0", sameCode: false, implementation: "0xImpl" }),
        at({ stack: "wasm", where: "wasm-localnet", version: "0.1.0", sameCode: true, codeId: 7 }),
        at({ where: "previous release", version: "0.1.0", sameCode: true }),
      ]);
      expect(lines.map((l) => l.command)).to.deep.equal([
        "npx hardhat run scripts/rollback.ts --network localhost --component RateLimiter --stacks evm --to 0xImpl",
        "npx hardhat run scripts/rollback.ts --network localhost --component RateLimiter --stacks wasm --to 7",
      ]);
      expect(lines.map((l) => l.replaced)).to.deep.equal([true, false]);
      const plan = rollbackPlan("1.0.0", "abcdef0123456789", lines);
      expect(plan.problems).to.deep.equal([]);
      expect(plan.text).to.include("| RateLimiter | evm | localhost | 0.1.0 | yes | `0xImpl` |");
    });
    it("a command line with an unknown flag or a flag without its value does not parse", () => {
      expect(checkRunCommand("npx hardhat run scripts/rollback.ts --network x --component A --to 1")).to.deep.equal([]);
      expect(checkRunCommand("npx hardhat run scripts/rollback.ts --network x --bogus 1")).to.include(
        "unknown flag --bogus",
      );
      expect(checkRunCommand("npx hardhat run scripts/rollback.ts --network x --to")).to.include("--to needs a value");
      expect(checkRunCommand("hardhat run x.ts")).to.include("not `npx hardhat run <script>.ts`");
    });
  });
});

describe("daily check items", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-check-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function deployment() {
    const pairDir = path.join(dir, "evm1+wasm1");
    const j = Journal.open(path.join(pairDir, "journal.jsonl"));
    j.append({ deployment: "d", phase: "begin" });
    j.append({
      deployment: "d",
      phase: "result",
      step: "a",
      network: "evm1",
      data: { name: "A", network: "evm1", record: { address: "0xa" } },
    });
    j.append({
      deployment: "d",
      phase: "result",
      step: "b",
      network: "wasm1",
      data: { name: "A", network: "wasm1", record: { address: "wasm1a", codeId: 1 } },
    });
    writeBook(dir, deriveBook(j, "evm1", "evm", "31337"));
    writeBook(dir, deriveBook(j, "wasm1", "wasm", "w-1"));
    return { pairDir, root: dir, evmNetwork: "evm1", wasm: { name: "wasm1" } as never };
  }

  it("records: an intact journal and books that re-derive pass", () => {
    const items = checkRecords(deployment());
    expect(items.map((i) => [i.kind, i.ok])).to.deep.equal([
      ["journal", true],
      ["books", true],
      ["books", true],
    ]);
  });
  it("records: a tampered journal line is 17104; a hand-edited book is 17105", () => {
    const cfg = deployment();
    const jf = path.join(cfg.pairDir, "journal.jsonl");
    writeFileSync(jf, readFileSync(jf, "utf8").replace('"0xa"', '"0xb"'));
    const book = path.join(dir, "wasm1", "addresses.json");
    writeFileSync(book, readFileSync(book, "utf8").replace('"codeId": 1', '"codeId": 2'));
    const items = checkRecords(cfg);
    expect(items.filter((i) => !i.ok).map((i) => [i.kind, i.code, i.item])).to.deep.equal([
      ["journal", CHECK.journal, "journal hash chain"],
      ["books", CHECK.books, "address book evm1"],
      ["books", CHECK.books, "address book wasm1"],
    ]);
    // The EVM book fails too: it no longer re-derives from the tampered journal.
    expect(bookText(deriveBook(Journal.open(jf), "evm1", "evm", "31337"))).to.include('"0xb"');
  });
  it("drift: within the limit passes, beyond it (either sign) is 17106", () => {
    expect(checkDrift(1000, 970, 30).ok).to.equal(true);
    expect(checkDrift(1000, 969, 30).code).to.equal(CHECK.drift);
    expect(checkDrift(969, 1000, 30).code).to.equal(17106);
  });
  it("the report counts failures by kind and is ok only when every item is", () => {
    const r = checkReportOf(
      "p",
      "d",
      [checkDrift(0, 100, 5), { kind: "sync", item: "x", ok: true, detail: "" }],
      new Date(5000),
    );
    expect(r.ok).to.equal(false);
    expect(r.time).to.equal(5);
    expect(r.failures).to.deep.equal({ verify: 0, access: 0, sync: 0, journal: 0, books: 0, drift: 1 });
  });
});

describe("release notes from git and the dependency review", function () {
  this.timeout(120_000);
  const ROOT = path.resolve(__dirname, "..", "..");

  it("protocol changes come first and name each spec file whose version changed since the previous release", () => {
    // The commit that introduced the spec `version` fields, and the one before it.
    const introduced = git(ROOT, [
      "log",
      "--format=%H",
      "-1",
      "-S",
      '"version": "0.1.0"',
      "--",
      "spec/rate-limiter.json",
    ]);
    const before = git(ROOT, ["rev-parse", `${introduced}^`]);
    const notes = releaseNotes({
      root: ROOT,
      version: "9.9.9",
      commit: introduced,
      dirty: false,
      previousCommit: before,
      previousVersion: "0.0.1",
      components: [],
      deployed: [],
      previousSbom: false,
      outdated: { npm: { list: [], error: "skipped" }, cargo: { list: [] } },
    });
    const sections = [...notes.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(sections[0]).to.equal("Protocol changes (spec/)");
    expect(notes).to.include("- changed `spec/rate-limiter.json` — version none → 0.1.0");
    expect(notes).to.include("- changed `spec/timelock.json` — version none → 0.1.0");
    expect(notes).to.include(`Changes since the previous release (0.0.1, ${before.slice(0, 12)}).`);
    expect(notes).to.match(new RegExp(`^- ${introduced.slice(0, 7)}`, "m"));
    expect(notes).to.include("- npm: not checked: skipped");
  });

  it("cargo: the workspace's direct dependencies against the local crates.io index, only those behind", () => {
    const r = cargoOutdated(ROOT);
    expect(r.error, r.error).to.equal(undefined);
    for (const o of r.list) {
      expect(o.ecosystem).to.equal("cargo");
      expect(o.current, o.name).not.to.equal(o.latest);
    }
    // cosmwasm-std is pinned to =2.2.10 and the index holds newer 2.x releases.
    expect(r.list.map((o) => o.name)).to.include("cosmwasm-std");
  });
});
