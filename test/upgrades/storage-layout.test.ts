import { expect } from "chai";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { AbiCoder, keccak256, toUtf8Bytes } from "ethers";

import { ROOT, layoutOf, protocolContracts, readSnapshot, upgradeReport } from "../../src/upgrades/storage-layout";

/** ERC-7201: keccak256(abi.encode(uint256(keccak256(id)) - 1)) & ~bytes32(uint256(0xff)). */
function erc7201Slot(id: string): string {
  const inner = BigInt(keccak256(toUtf8Bytes(id))) - 1n;
  const outer = BigInt(keccak256(AbiCoder.defaultAbiCoder().encode(["uint256"], [inner])));
  return `0x${(outer & ~0xffn).toString(16).padStart(64, "0")}`;
}

function solidityFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? solidityFiles(p) : f.endsWith(".sol") ? [p] : [];
  });
}

interface Namespace {
  file: string;
  id: string;
  constant: string;
  value: string;
}

/**
 * Every `@custom:storage-location erc7201:<id>` of a file with the bytes32 constant that
 * follows it, and the constants the file's assembly assigns to `$.slot`.
 */
function namespacesOf(file: string): { namespaces: Namespace[]; slotConstants: string[] } {
  const text = readFileSync(file, "utf8");
  const namespaces: Namespace[] = [];
  const annotation = /@custom:storage-location erc7201:([\w.]+)/g;
  for (let m = annotation.exec(text); m; m = annotation.exec(text)) {
    const after = text.slice(m.index);
    const c = /bytes32\s+(?:private|internal)\s+constant\s+(\w+)\s*=\s*(0x[0-9a-fA-F]{64})\s*;/.exec(after);
    if (!c) throw new Error(`${file}: namespace ${m[1]} has no bytes32 constant after it`);
    namespaces.push({ file: path.relative(ROOT, file), id: m[1], constant: c[1], value: c[2].toLowerCase() });
  }
  const slotConstants = [...text.matchAll(/\.slot\s*:=\s*(\w+)/g)].map((s) => s[1]);
  return { namespaces, slotConstants };
}

describe("upgrade safety: ERC-7201 namespace slots", () => {
  it("the slot formula gives OpenZeppelin's published slots for its own namespaces", () => {
    // Independent reference values: the constants in OpenZeppelin's upgradeable contracts.
    const oz = path.join(ROOT, "node_modules/@openzeppelin/contracts-upgradeable");
    const files = [
      "access/AccessControlUpgradeable.sol",
      "utils/PausableUpgradeable.sol",
      "proxy/utils/Initializable.sol",
    ].map((f) => path.join(oz, f));
    const checked = files.flatMap((f) => namespacesOf(f).namespaces);
    expect(checked.map((n) => n.id)).to.include.members([
      "openzeppelin.storage.AccessControl",
      "openzeppelin.storage.Pausable",
      "openzeppelin.storage.Initializable",
    ]);
    for (const n of checked) expect(erc7201Slot(n.id), n.id).to.equal(n.value);
  });

  it("every namespace constant in contracts/ equals the slot recomputed from its id, and every $.slot uses one", () => {
    const all: Namespace[] = [];
    for (const file of solidityFiles(path.join(ROOT, "contracts"))) {
      const { namespaces, slotConstants } = namespacesOf(file);
      for (const n of namespaces) {
        expect(n.value, `${n.file}: ${n.constant} (erc7201:${n.id})`).to.equal(erc7201Slot(n.id));
      }
      const verified = new Set(namespaces.map((n) => n.constant));
      for (const c of slotConstants) {
        expect(verified.has(c), `${path.relative(ROOT, file)}: $.slot := ${c} is not a checked namespace`).to.equal(
          true,
        );
      }
      all.push(...namespaces);
    }
    // One namespace per protocol contract, the shared frame and its rollback targets;
    // distinct ids outside test/.
    const protocol = all.filter((n) => !n.file.startsWith("contracts/test/"));
    expect(protocol.map((n) => n.id).sort()).to.deep.equal(
      [
        "AccessFrame",
        "ANSStateManager",
        "AfferentInbox",
        "CapabilityIssuer",
        "CapabilityIssuer.owners",
        "CircuitBreaker",
        "RateLimiter",
        "ReflexArc",
        "Rollback",
        "VagalBrake",
      ]
        .map((c) => `vagus.storage.${c}`)
        .sort(),
    );
  });
});

describe("upgrade safety: storage layouts against the previous release (deploy/storage-layouts.json)", function () {
  // One storage-layout-only recompilation of the build (solcjs) per build-info.
  this.timeout(300_000);

  const snapshot = readSnapshot();
  const V2S = [
    "ANSStateManager",
    "AfferentInbox",
    "CapabilityIssuer",
    "CircuitBreaker",
    "RateLimiter",
    "ReflexArc",
    "VagalBrake",
  ].map((c) => ({ base: `contracts/${c}.sol:${c}`, v2: `contracts/test/${c}V2.sol:${c}V2` }));

  it("the snapshot covers exactly the UUPS contracts of the protocol", () => {
    expect(
      Object.keys(snapshot.layouts).sort(),
      "a contract without a previous layout: refresh the snapshot (npm run layouts:snapshot) at release",
    ).to.deep.equal(protocolContracts());
  });

  it("every contract's layout is an OpenZeppelin-compatible upgrade of its released layout", () => {
    for (const [name, released] of Object.entries(snapshot.layouts)) {
      const report = upgradeReport(released, layoutOf(name));
      expect(report.ok, `${name}:\n${report.explain(false)}`).to.equal(true);
    }
  });

  it("every contract of today's build can be rolled back to its released layout: at most whole namespaces were added", () => {
    for (const [name, released] of Object.entries(snapshot.layouts)) {
      const report = upgradeReport(layoutOf(name), released);
      const ops = (report as unknown as { ops?: { kind: string }[] }).ops ?? [];
      const blocking = ops.filter((o) => o.kind !== "delete-namespace");
      expect(blocking.length, `${name}:\n${report.explain(false)}`).to.equal(0);
    }
  });

  it("the compatible V2 test contracts pass the check against their base's released layout", () => {
    for (const { base, v2 } of V2S) {
      const report = upgradeReport(snapshot.layouts[base], layoutOf(v2));
      expect(report.ok, `${v2}:\n${report.explain(false)}`).to.equal(true);
    }
  });

  it("a V2 that swaps the fields of the breaker's namespaced struct fails the check, naming the moved field", () => {
    const report = upgradeReport(
      snapshot.layouts["contracts/CircuitBreaker.sol:CircuitBreaker"],
      layoutOf("contracts/test/CircuitBreakerBadLayoutV2.sol:CircuitBreakerBadLayoutV2"),
    );
    expect(report.ok).to.equal(false);
    const explained = report.explain(false);
    // OpenZeppelin reads the swap as `config` moved behind `pairs`.
    expect(explained).to.match(/^CircuitBreaker: Deleted `config`/m);
    expect(explained).to.match(/CircuitBreakerBadLayoutV2\.sol:\d+: Inserted `config`/);
  });
});
