import { expect } from "chai";
import { ZeroAddress, ZeroHash, id } from "ethers";

import { AddressBook, fromEvm as eqFromEvm, fromWasm as eqFromWasm, toWasm as eqToWasm } from "../../src/equivalence/canon";
import { componentParams } from "../../src/deployment/plan";
import { canonText, fromEvm, fromWasm, loadSpec, snakeCase, toEvmArg, toWasm } from "../../src/spec";

/**
 * The one value codec (src/spec/values.ts) against spec/README.md's naming table: the
 * expected values below are written from the table, not from the code.
 */
describe("value codec: spec value <-> EVM <-> CosmWasm JSON <-> canonical form", () => {
  const spec = loadSpec();
  const ra = spec.component("ReflexArc");
  const ai = spec.component("AfferentInbox");

  it("snake_case: each capital becomes _ + lower case, never a leading _ (vagus-common snake_case)", () => {
    expect(snakeCase("executorId")).to.equal("executor_id");
    expect(snakeCase("halfOpenMaxProbes")).to.equal("half_open_max_probes");
    expect(snakeCase("ConsumeDenied")).to.equal("consume_denied");
    expect(snakeCase("setPairConfig")).to.equal("set_pair_config");
    expect(snakeCase("from")).to.equal("from");
  });

  it("deploy's parameters on CosmWasm: u32 as JSON numbers, Uint64/Int64 as decimal strings, snake_case fields", () => {
    const p = componentParams(ra, "Config", { temperatureMilliC: -5000, forceMilliN: "9007199254740993" });
    const json = toWasm(ra, "Config", p) as Record<string, unknown>;
    expect(Object.keys(json).sort()).to.deep.equal(
      ["cooldown", "force_milli_n", "risk_ppm", "temperature_milli_c", "velocity_milli_mps"].sort(),
    );
    expect(json.temperature_milli_c).to.equal("-5000");
    expect(json.force_milli_n).to.equal("9007199254740993");
    expect(typeof json.velocity_milli_mps).to.equal("string");
    expect(typeof json.cooldown).to.equal("number");
    expect(typeof json.risk_ppm).to.equal("number");
    // and back, strictly (verify:deployment's reading of the chain's answer)
    expect(fromWasm(ra, "Config", json, { strict: true })).to.deep.equal(p);
  });

  it("deploy's parameters on the EVM: the struct as a tuple in spec field order, integers as bigint", () => {
    const p = componentParams(ra, "Config", { cooldown: 7, temperatureMilliC: -1 });
    const tuple = toEvmArg(ra, "Config", p) as unknown[];
    expect(tuple).to.have.length(5);
    expect(tuple[0]).to.equal(7n);
    expect(tuple[4]).to.equal(-1n);
    expect(fromEvm(ra, "Config", tuple)).to.deep.equal(p);
  });

  it("equivalence's text form: the same logical value read from either stack gives the same JSON", () => {
    const book = new AddressBook();
    const evmAddr = "0x00000000000000000000000000000000000000aa";
    book.set("@alice", evmAddr, "wasm1alice");
    // roles: EVM id and CosmWasm name both become the spec key
    expect(eqFromEvm(ai, "role", id("GUARDIAN_ROLE"), book)).to.equal("GUARDIAN");
    expect(eqFromWasm(ai, "role", "guardian", book)).to.equal("GUARDIAN");
    expect(eqFromEvm(ai, "role", ZeroHash, book)).to.equal("ADMIN");
    // addresses: known ones by reference, unset ones null (EVM zero address; CosmWasm null,
    // empty, or the attribute text null of an optional field)
    expect(eqFromEvm(ai, "address", evmAddr, book)).to.equal("@alice");
    expect(eqFromWasm(ai, "address", "wasm1alice", book)).to.equal("@alice");
    expect(eqFromEvm(ai, "address", ZeroAddress, book)).to.equal(null);
    expect(eqFromWasm(ai, "address", null, book)).to.equal(null);
    expect(eqFromWasm(ai, "address", "null", book, true)).to.equal(null);
    expect(eqFromWasm(ai, "address", "null", book, false)).to.equal("null");
    // integers: bigint from ethers, number or string from CosmWasm JSON / attributes
    expect(eqFromEvm(ra, "uint64", 12n, book)).to.equal("12");
    expect(eqFromWasm(ra, "uint64", "12", book)).to.equal("12");
    expect(eqFromWasm(ra, "uint32", 12, book)).to.equal("12");
    // bytes: hex with 0x from ethers, hex without 0x or base64 (Binary) from CosmWasm
    expect(eqFromEvm(ra, "bytes32", `0x${"AB".repeat(32)}`, book)).to.equal(`0x${"ab".repeat(32)}`);
    expect(eqFromWasm(ra, "bytes32", "ab".repeat(32), book)).to.equal(`0x${"ab".repeat(32)}`);
    expect(eqFromWasm(ra, "bytes", Buffer.from([1, 2, 255]).toString("base64"), book)).to.equal("0x0102ff");
    // and what a scenario sends: references resolved per stack, roles by each stack's name
    expect(eqToWasm(ai, "address", "@alice", book)).to.equal("wasm1alice");
    expect(eqToWasm(ai, "role", "GUARDIAN", book)).to.equal("guardian");
    expect(eqToWasm(ra, "bytes32", `0x${"cd".repeat(32)}`, book)).to.equal("cd".repeat(32));
  });

  it("canonical text form: bigints become decimal strings at any depth, nothing else changes", () => {
    expect(canonText({ a: 1n, b: [2n, "x", null, true], c: { d: -3n } })).to.deep.equal({
      a: "1",
      b: ["2", "x", null, true],
      c: { d: "-3" },
    });
  });
});
