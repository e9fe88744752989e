import { expect } from "chai";
import { getBytes, hexlify, toUtf8Bytes } from "ethers";
import { ethers } from "hardhat";

import { canonicalEncode, isCanonicalKeyOrder } from "../../src/cbor";
import type { CborHarness } from "../../typechain-types";
import { OP, instruction, loadGolden, toProgram } from "./golden";

const golden = loadGolden();
const U64_MAX = (1n << 64n) - 1n;

describe("CanonicalCbor.sol against spec/vectors/cbor/golden.json", () => {
  let harness: CborHarness;

  before(async () => {
    harness = await (await ethers.getContractFactory("CborHarness")).deploy();
  });

  for (const v of golden.vectors) {
    it(`encodes and hashes "${v.name}"`, async () => {
      const [cbor, sha, keccak] = await harness.encode(toProgram(v.value));
      expect(cbor).to.equal(v.cbor);
      expect(sha).to.equal(v.sha256);
      expect(keccak).to.equal(v.keccak256);
      if (v.sha3_256_not_keccak) expect(keccak).to.not.equal(v.sha3_256_not_keccak);
    });
  }

  it("uses a four-byte length head for a 65536-byte string", async () => {
    const payload = new Uint8Array(65536).fill(0xab);
    const [cbor] = await harness.encode(instruction(OP.BYTES, payload.length, payload));
    expect(cbor).to.equal(hexlify(canonicalEncode(payload)));
    expect(cbor.slice(0, 12)).to.equal("0x5a00010000");
  });

  it("writes typed fields with fixed keys, growing the buffer from empty", async () => {
    const root = `0x${"11".repeat(32)}`;
    const action = `0x${"22".repeat(32)}`;
    const expected = canonicalEncode(
      new Map<string, Uint8Array | boolean>([
        ["allowed", true],
        ["action", getBytes(action)],
        ["root", getBytes(root)],
      ]),
    );
    expect(await harness.encodeTypedFields(root, action, true)).to.equal(hexlify(expected));
    expect(await harness.isCanonicalKeyOrder(["root", "action", "allowed"])).to.equal(true);
  });

  it("rejects integers outside -2^64 ..= 2^64-1", async () => {
    expect(await harness.encodeUint(U64_MAX)).to.equal("0x1bffffffffffffffff");
    await expect(harness.encodeUint(U64_MAX + 1n))
      .to.be.revertedWithCustomError(harness, "UintOutOfRange")
      .withArgs(U64_MAX + 1n);
    expect(await harness.encodeInt(-(1n << 64n))).to.equal("0x3bffffffffffffffff");
    expect(await harness.encodeInt(-1n)).to.equal("0x20");
    expect(await harness.encodeInt(U64_MAX)).to.equal("0x1bffffffffffffffff");
    await expect(harness.encodeInt(-(1n << 64n) - 1n))
      .to.be.revertedWithCustomError(harness, "NegIntOutOfRange")
      .withArgs(1n << 64n);
    await expect(harness.encodeInt(U64_MAX + 1n)).to.be.revertedWithCustomError(harness, "UintOutOfRange");
    await expect(harness.encodeInt(-(1n << 255n))).to.be.revertedWithCustomError(harness, "NegIntOutOfRange");
  });

  it("rejects map keys out of canonical order, and duplicates", async () => {
    const key = (k: string) => instruction(OP.KEY, toUtf8Bytes(k).length, toUtf8Bytes(k));
    const one = instruction(OP.UINT, 1);
    const map = (...keys: string[]) =>
      Buffer.concat([instruction(OP.MAP, keys.length), ...keys.flatMap((k) => [key(k), one])]);
    expect((await harness.encode(map("b", "aa")))[0]).to.equal("0xa261620162616101");
    // Alphabetical is not canonical: "aa" is longer than "b".
    await expect(harness.encode(map("aa", "b")))
      .to.be.revertedWithCustomError(harness, "KeyOrder")
      .withArgs(hexlify(toUtf8Bytes("aa")), hexlify(toUtf8Bytes("b")));
    await expect(harness.encode(map("a", "B"))).to.be.revertedWithCustomError(harness, "KeyOrder");
    await expect(harness.encode(map("a", "a"))).to.be.revertedWithCustomError(harness, "KeyOrder");
    for (const v of golden.invalid.filter((i) => i.error === "DuplicateKey")) {
      await expect(harness.encode(toProgram(v.value)), v.name).to.be.revertedWithCustomError(harness, "KeyOrder");
    }
  });

  it("agrees with the TypeScript key order check", async () => {
    const lists = [
      ["root", "offset", "tonePpm", "executorId"],
      ["executorId", "offset", "root", "tonePpm"],
      ["B", "a", "b", "aa"],
      ["", "a"],
      ["a", ""],
      ["z", "é", "\u00e0"],
      ["z", "\u00e0", "é"],
      [],
    ];
    for (const keys of lists) {
      expect(await harness.isCanonicalKeyOrder(keys), keys.join(",")).to.equal(isCanonicalKeyOrder(keys));
    }
  });

  it("refuses malformed programs", async () => {
    const one = instruction(OP.UINT, 1);
    const cases: [string, Uint8Array][] = [
      ["two top-level items", Buffer.concat([one, one])],
      ["array short of items", Buffer.concat([instruction(OP.ARRAY, 2), one])],
      ["map value without key", Buffer.concat([instruction(OP.MAP, 1), one])],
      ["key outside a map", instruction(OP.KEY, 1, toUtf8Bytes("a"))],
      ["truncated", one.subarray(0, 5)],
      ["payload past the end", instruction(OP.TEXT, 5, toUtf8Bytes("ab"))],
      ["unknown op", instruction(0x09, 0)],
      ["empty program", new Uint8Array()],
    ];
    for (const [name, program] of cases) {
      await expect(harness.encode(program), name).to.be.revertedWithCustomError(harness, "BadProgram");
    }
  });
});
