import { expect } from "chai";
import { hexlify } from "ethers";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { CborError } from "../../src/cbor";
import { ProtocolInputError, encodeEvidence, encodeParamMap } from "../../src/protocol";
import { loadGolden } from "../cbor/golden";

/**
 * Expected bytes are written out by hand from spec/cbor.md and spec/safety-core.md §2.2 /
 * §3.2 (each head annotated); the hashes of those bytes were computed with Python's hashlib
 * (sha256) and pycryptodome's Keccak (digest_bits=256), and the bytes cross-checked with
 * cbor2 (`cbor2.dumps(value, canonical=True)`), never with the project's encoders.
 */
const hex = (...parts: string[]) => "0x" + parts.join("");
const text = (s: string) => Buffer.from(s, "utf8").toString("hex");

const ROOT_AB = "0x" + "ab".repeat(32);
const METRICS = {
  sequence: 1,
  riskPpm: 250_000,
  forceMilliN: 12_000,
  velocityMilliMps: 350,
  temperatureMilliC: -5_000,
};

// Canonical key order: shorter key first, then bytewise (the prose's table order).
const EVIDENCE_BYTES = hex(
  "a7", // map, 7 entries
  "67",
  text("riskPpm"),
  "1a0003d090", // 250000 = 0x0003d090 (4-byte head)
  "68",
  text("sequence"),
  "01",
  "69",
  text("stateRoot"),
  "5820",
  "ab".repeat(32), // byte string, 32 bytes
  "6a",
  text("executorId"),
  "07",
  "6b",
  text("forceMilliN"),
  "192ee0", // 12000 = 0x2ee0
  "70",
  text("velocityMilliMps"),
  "19015e", // 350 = 0x015e
  "71",
  text("temperatureMilliC"),
  "391387", // -5000: major 1, n = 4999 = 0x1387
);

describe("protocol encoders (src/protocol)", () => {
  describe("encodeEvidence (safety-core.md §2.2)", () => {
    it("encodes the seven entries in canonical key order with a signed temperature", () => {
      const c = encodeEvidence(7, ROOT_AB, METRICS);
      expect(hexlify(c.cbor)).to.equal(EVIDENCE_BYTES);
      expect(c.sha256).to.equal("0xdcaebcf75844d9005eba19ec2a1b8d82265f4e61907e64bdb2de8448a560f5af");
      expect(c.keccak256).to.equal("0x2a2f0a526181e771b16ae965aece1ebff3c3a6d6ff73f3b5c2b5505528f06525");
    });

    it("accepts bigint, decimal strings and a Uint8Array root alike", () => {
      const c = encodeEvidence("7", Uint8Array.from(Buffer.from("ab".repeat(32), "hex")), {
        sequence: 1n,
        riskPpm: "250000",
        forceMilliN: 12_000n,
        velocityMilliMps: "350",
        temperatureMilliC: "-5000",
      });
      expect(hexlify(c.cbor)).to.equal(EVIDENCE_BYTES);
    });

    it("encodes a non-negative temperature as an unsigned integer (80000 = 1a 00013880)", () => {
      const c = encodeEvidence(7, ROOT_AB, { ...METRICS, temperatureMilliC: 80_000 });
      expect(hexlify(c.cbor).endsWith(text("temperatureMilliC") + "1a00013880")).to.equal(true);
      const zero = encodeEvidence(7, ROOT_AB, { ...METRICS, temperatureMilliC: 0 });
      expect(hexlify(zero.cbor).endsWith(text("temperatureMilliC") + "00")).to.equal(true);
    });

    it("agrees with the safety-core evidence vectors of spec/vectors/cbor/golden.json", () => {
      const golden = loadGolden();
      const neg = golden.vectors.find((v) => v.name === "safety-core evidence negative temperature");
      const ext = golden.vectors.find((v) => v.name === "safety-core evidence extremes");
      expect(neg, "golden vector present").to.not.equal(undefined);
      expect(ext, "golden vector present").to.not.equal(undefined);
      const a = encodeEvidence(7, ROOT_AB, METRICS);
      expect([hexlify(a.cbor), a.sha256, a.keccak256]).to.deep.equal([neg!.cbor, neg!.sha256, neg!.keccak256]);
      const max = (1n << 64n) - 1n;
      const b = encodeEvidence(max, "0x" + "00".repeat(31) + "01", {
        sequence: max,
        riskPpm: 1_000_000,
        forceMilliN: 0,
        velocityMilliMps: 1n << 32n,
        temperatureMilliC: -(1n << 63n),
      });
      expect([hexlify(b.cbor), b.sha256, b.keccak256]).to.deep.equal([ext!.cbor, ext!.sha256, ext!.keccak256]);
    });

    it("rejects values outside their spec types, naming the field", () => {
      const bad = (fn: () => unknown): ProtocolInputError => {
        try {
          fn();
        } catch (e) {
          if (e instanceof ProtocolInputError) return e;
          throw e;
        }
        throw new Error("accepted");
      };
      expect(bad(() => encodeEvidence(7, ROOT_AB, { ...METRICS, riskPpm: 2 ** 32 }))).to.include({
        code: "OutOfRange",
        field: "metrics.riskPpm",
      });
      expect(bad(() => encodeEvidence(7, ROOT_AB, { ...METRICS, temperatureMilliC: 1n << 63n }))).to.include({
        code: "OutOfRange",
        field: "metrics.temperatureMilliC",
      });
      expect(bad(() => encodeEvidence(-1, ROOT_AB, METRICS))).to.include({ code: "OutOfRange", field: "executorId" });
      expect(bad(() => encodeEvidence(7, ROOT_AB, { ...METRICS, forceMilliN: 1.5 }))).to.include({
        code: "NotAnInteger",
        field: "metrics.forceMilliN",
      });
      expect(bad(() => encodeEvidence(7, ROOT_AB, { ...METRICS, sequence: 2 ** 53 }))).to.include({
        code: "NotAnInteger",
      });
      expect(bad(() => encodeEvidence(7, "0xabab", METRICS))).to.include({
        code: "InvalidBytes32",
        field: "stateRoot",
      });
      expect(bad(() => encodeEvidence(7, new Uint8Array(31), METRICS))).to.include({ code: "InvalidBytes32" });
    });
  });

  describe("encodeParamMap (safety-core.md §3.2)", () => {
    const PARAMS_BYTES = hex(
      "a2", // map, 2 entries
      "65",
      text("force"),
      "199c40", // 40000 = 0x9c40
      "65",
      text("speed"),
      "18fa", // 250: one-byte head
    );

    it("encodes {name_i: value_i} canonically with both hashes", () => {
      const c = encodeParamMap(["force", "speed"], [40_000, 250]);
      expect(hexlify(c.cbor)).to.equal(PARAMS_BYTES);
      expect(c.sha256).to.equal("0x0ea3dab09fd6a26ae48631a300bf1963a50fbc70e71cd08f7cb6e217573e47b3");
      expect(c.keccak256).to.equal("0x1e1aecececfcdfa92747cdaf465c616b32ce5a813b45738f35c0f48491dcee39");
    });

    it("sorts by encoded key (shorter first), whatever order the names come in", () => {
      // "torque" (6 bytes) sorts after "speed" (5) although "t" > "s" anyway; "gripMilliN"
      // (10) last although "g" < "s".
      const a = encodeParamMap(["gripMilliN", "torque", "speed", "force"], [1, 2, 3, 4]);
      const b = encodeParamMap(["force", "speed", "torque", "gripMilliN"], [4, 3, 2, 1]);
      expect(hexlify(a.cbor)).to.equal(hexlify(b.cbor));
      expect(hexlify(a.cbor)).to.equal(
        hex(
          "a4",
          "65",
          text("force"),
          "04",
          "65",
          text("speed"),
          "03",
          "66",
          text("torque"),
          "02",
          "6a",
          text("gripMilliN"),
          "01",
        ),
      );
    });

    it("agrees with the brake limits vector of golden.json (a value of 2^64 - 1)", () => {
      const v = loadGolden().vectors.find((x) => x.name === "brake limits map");
      expect(v, "golden vector present").to.not.equal(undefined);
      const c = encodeParamMap(
        ["force", "speed", "torque", "gripMilliN"],
        [40_000, 250, 1_200, "18446744073709551615"],
      );
      expect([hexlify(c.cbor), c.sha256, c.keccak256]).to.deep.equal([v!.cbor, v!.sha256, v!.keccak256]);
    });

    it("encodes an empty schema as the empty map (a0)", () => {
      const c = encodeParamMap([], []);
      expect(hexlify(c.cbor)).to.equal("0xa0");
      expect(c.keccak256).to.not.equal(c.sha256);
    });

    it("rejects repeated names, length mismatches, bad names and out-of-range values", () => {
      expect(() => encodeParamMap(["force", "force"], [1, 2]))
        .to.throw(CborError)
        .with.property("code", "DuplicateKey");
      expect(() => encodeParamMap(["force"], [1, 2]))
        .to.throw(ProtocolInputError)
        .with.property("code", "LengthMismatch");
      expect(() => encodeParamMap([""], [1]))
        .to.throw(ProtocolInputError)
        .with.property("code", "InvalidName");
      expect(() => encodeParamMap(["a".repeat(17)], [1]))
        .to.throw(ProtocolInputError)
        .with.property("code", "InvalidName");
      expect(() => encodeParamMap(["force"], [1n << 64n]))
        .to.throw(ProtocolInputError)
        .with.property("code", "OutOfRange");
      expect(() => encodeParamMap(["force"], [-1]))
        .to.throw(ProtocolInputError)
        .with.property("code", "OutOfRange");
    });
  });
});

describe("protocol encoders against the system vectors' commitments", () => {
  // The vectors' hashes were computed with Python (cbor2, hashlib, pycryptodome); the
  // TypeScript encoders must reproduce them from the same step arguments.
  type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  const dir = path.join(__dirname, "..", "..", "spec", "vectors", "system");
  const vectors = readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), "utf8")) as Json);

  it("EvidencePosted carries encodeEvidence's hashes of the posted arguments", () => {
    let checked = 0;
    for (const v of vectors) {
      for (const step of v.steps as Json[]) {
        if (step.call !== "postEvidence" || !step.expect?.events) continue;
        const posted = (step.expect.events as Json[]).find((e) => e.name === "EvidencePosted");
        // Evidence posted to a paused inbox is withheld: no hashes (safety-core.md §2.1).
        if (!posted) {
          expect(step.expect.events as Json[], `${v.name} at ${step.at}`).to.satisfy((evs: Json[]) =>
            evs.some((e) => e.name === "EvidenceWithheld"),
          );
          continue;
        }
        const c = encodeEvidence(step.args.executorId, step.args.stateRoot, step.args.metrics);
        expect([c.sha256, c.keccak256], `${v.name} at ${step.at}`).to.deep.equal([
          posted.fields.sha256,
          posted.fields.keccak256,
        ]);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(10);
  });

  it("CapabilityIssued's params hashes are encodeParamMap of the schema's names and the intent's params", () => {
    let checked = 0;
    for (const v of vectors) {
      const names = new Map<string, string[]>();
      for (const step of v.steps as Json[]) {
        if (step.call === "setActionSchema" && step.expect?.events) {
          names.set(
            step.args.actionId,
            (step.args.params as Json[]).map((p) => p.name as string),
          );
        }
        if (step.call !== "issue" || !step.expect?.events) continue;
        const issued = (step.expect.events as Json[]).find((e) => e.name === "CapabilityIssued");
        if (!issued) continue;
        const intent = step.args.intent as Json;
        const c = encodeParamMap(names.get(intent.actionId)!, intent.params);
        expect([c.sha256, c.keccak256], `${v.name} at ${step.at}`).to.deep.equal([
          issued.fields.paramsSha256,
          issued.fields.paramsKeccak256,
        ]);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(20);
  });
});
