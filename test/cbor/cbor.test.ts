import { expect } from "chai";
import { hexlify } from "ethers";
import { createHash } from "node:crypto";

import {
  CborError,
  CborMap,
  type CborValue,
  canonicalEncode,
  commit,
  isCanonicalKeyOrder,
  keccak256,
  sha256,
} from "../../src/cbor";
import { fromNotation, loadGolden } from "./golden";

const golden = loadGolden();

function rejection(value: unknown): CborError {
  try {
    canonicalEncode(value as CborValue);
  } catch (e) {
    if (e instanceof CborError) return e;
    throw e;
  }
  throw new Error(`encoded ${String(value)} without complaint`);
}

describe("canonical CBOR (TypeScript) against spec/vectors/cbor/golden.json", () => {
  it("has the vectors the spec promises", () => {
    expect(golden.vectors.length).to.be.at.least(40);
    expect(golden.invalid.length).to.be.at.least(5);
    expect(new Set(golden.vectors.map((v) => v.name)).size).to.equal(golden.vectors.length);
  });

  for (const v of golden.vectors) {
    it(`encodes and hashes "${v.name}"`, () => {
      const c = commit(fromNotation(v.value));
      expect(hexlify(c.cbor)).to.equal(v.cbor);
      expect(c.sha256).to.equal(v.sha256);
      expect(c.keccak256).to.equal(v.keccak256);
    });
  }

  for (const v of golden.invalid) {
    it(`rejects "${v.name}" with ${v.error}`, () => {
      expect(rejection(fromNotation(v.value)).code).to.equal(v.error);
    });
  }

  it("keccak256 is Ethereum's Keccak, which a NIST SHA3-256 implementation would fail", () => {
    const demos = golden.vectors.filter((v) => v.sha3_256_not_keccak !== undefined);
    expect(demos.length).to.be.greaterThan(0);
    for (const v of demos) {
      const cbor = canonicalEncode(fromNotation(v.value));
      const nistSha3 = `0x${createHash("sha3-256").update(cbor).digest("hex")}`;
      expect(nistSha3, v.name).to.equal(v.sha3_256_not_keccak);
      expect(nistSha3, v.name).to.not.equal(v.keccak256);
      expect(keccak256(cbor), v.name).to.equal(v.keccak256);
    }
  });
});

describe("canonical CBOR (TypeScript) input model", () => {
  it("encodes safe numbers exactly like bigints", () => {
    for (const n of [0, 23, 24, 255, 256, 65535, 65536, -1, -24, -25, -257, 2 ** 32, Number.MAX_SAFE_INTEGER]) {
      expect(hexlify(canonicalEncode(n))).to.equal(hexlify(canonicalEncode(BigInt(n))));
    }
    expect(hexlify(canonicalEncode(-0))).to.equal("0x00");
  });

  it("gives Map, plain object and CborMap the same canonical bytes whatever the insertion order", () => {
    const entries: [string, CborValue][] = [
      ["b", 1n],
      ["a", 2n],
      ["aa", 3n],
      ["B", 4n],
    ];
    const expected = "0xa461420461610261620162616103";
    expect(hexlify(canonicalEncode(new CborMap(entries)))).to.equal(expected);
    expect(hexlify(canonicalEncode(new Map(entries)))).to.equal(expected);
    expect(hexlify(canonicalEncode(new Map([...entries].reverse())))).to.equal(expected);
    expect(hexlify(canonicalEncode(Object.fromEntries(entries)))).to.equal(expected);
  });

  it("measures text length in UTF-8 bytes and uses a four-byte length head at 65536", () => {
    expect(hexlify(canonicalEncode("é".repeat(12))).slice(0, 6)).to.equal("0x7818");
    const big = canonicalEncode(new Uint8Array(65536));
    expect(big.length).to.equal(65536 + 5);
    expect(hexlify(big.subarray(0, 5))).to.equal("0x5a00010000");
    expect(hexlify(canonicalEncode("x".repeat(65535)).subarray(0, 3))).to.equal("0x79ffff");
  });

  it("rejects what the golden file cannot express", () => {
    expect(rejection("\ud800").code).to.equal("InvalidText");
    expect(rejection(new Map([["ok", "x\udfff"]])).code).to.equal("InvalidText");
    // Both lone surrogates would become U+FFFD under TextEncoder: without the check they
    // would be two keys with one encoding.
    expect(rejection(new Map([["\ud800", 1n]])).code).to.equal("InvalidText");
    expect(rejection(Number.NaN).code).to.equal("NotAnInteger");
    expect(rejection(Number.POSITIVE_INFINITY).code).to.equal("NotAnInteger");
    expect(rejection(undefined).code).to.equal("UnsupportedType");
    expect(rejection(new Date(0)).code).to.equal("UnsupportedType");
    expect(rejection(new Uint16Array(2)).code).to.equal("UnsupportedType");
    expect(rejection(new Map([[1, 2n]])).code).to.equal("NonTextKey");
    expect(rejection({ [Symbol("k")]: 1n }).code).to.equal("NonTextKey");
    expect(rejection(-(1n << 64n) - 1n).code).to.equal("IntegerOutOfRange");
  });

  it("locates the offending value in the error", () => {
    const e = rejection({ metrics: [1n, new CborMap([["t", 1.5]])] });
    expect(e.code).to.equal("NotAnInteger");
    expect(e.path).to.equal('$["metrics"][1]["t"]');
    expect(e.message).to.contain("NotAnInteger");
  });

  it("checks a hand-ordered key list against the canonical order", () => {
    expect(isCanonicalKeyOrder(["root", "offset", "tonePpm", "executorId"])).to.equal(true);
    expect(isCanonicalKeyOrder(["B", "a", "b", "aa"])).to.equal(true);
    expect(isCanonicalKeyOrder(["a", "B"])).to.equal(false);
    expect(isCanonicalKeyOrder(["aa", "b"])).to.equal(false);
    expect(isCanonicalKeyOrder(["a", "a"])).to.equal(false);
    expect(isCanonicalKeyOrder([])).to.equal(true);
  });

  it("hashes with sha256 and keccak-256 of the empty input as published", () => {
    const empty = new Uint8Array(0);
    expect(sha256(empty)).to.equal("0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(keccak256(empty)).to.equal("0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  });
});
