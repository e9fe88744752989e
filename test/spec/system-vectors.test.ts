import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

import { SchemaValidator } from "../../src/spec/json-schema";

/**
 * The hand-written system vectors (spec/vectors/system) against their JSON Schema, and the
 * structural checker's verdict on them. Running them on the chains is the equivalence
 * runner's job; this pins that the files stay well-formed and that the schema rejects what
 * it should.
 */
const ROOT = path.resolve(__dirname, "..", "..");
const DIR = path.join(ROOT, "spec", "vectors", "system");
const schema = JSON.parse(readFileSync(path.join(ROOT, "spec", "schema", "system-vector.schema.json"), "utf8")) as Record<
  string,
  unknown
>;
const validator = new SchemaValidator(schema);
const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

type Json = Record<string, unknown>;
const load = (f: string) => JSON.parse(readFileSync(path.join(DIR, f), "utf8")) as Json;

describe("system vectors (spec/vectors/system)", () => {
  it("there are at least 14 of them", () => {
    expect(files.length).to.be.at.least(14);
  });

  for (const f of files) {
    it(`${f} matches system-vector.schema.json and every step has an expectation`, () => {
      const v = load(f);
      expect(validator.validate(v)).to.deep.equal([]);
      for (const step of v.steps as Json[]) expect(step, JSON.stringify(step).slice(0, 120)).to.have.property("expect");
    });
  }

  it("the schema (ajv) rejects a step without a component, an unknown component, an event without its emitter and system: false, saying where", () => {
    const v = load(files[0]);
    const steps = v.steps as Json[];
    const noOn = { ...v, steps: [{ ...steps[0], on: undefined }] };
    delete (noOn.steps[0] as Json).on;
    expect(validator.validate(noOn)).to.include('/steps/0: missing required property "on"');
    expect(validator.validate({ ...v, components: ["Timelock"] }).join("\n")).to.match(
      /^\/components\/0: "Timelock" is not one of "RateLimiter", /,
    );
    const badEvent = { ...v, steps: [{ ...steps[0], expect: { events: [{ name: "X", fields: {} }] } }] };
    expect(validator.validate(badEvent)).to.include('/steps/0/expect/events/0: missing required property "on"');
    expect(validator.validate({ ...v, system: false })).to.deep.equal(["/system: must be true"]);
  });

  it("an equivalence scenario may leave expect out; scripts/check-vectors.mjs accepts the folder", () => {
    const v = load(files[0]);
    const scenario = { ...v, steps: (v.steps as Json[]).map(({ expect: _e, ...rest }) => rest) };
    expect(validator.validate(scenario)).to.deep.equal([]);
    const out = execFileSync(process.execPath, [path.join(ROOT, "scripts", "check-vectors.mjs")], { encoding: "utf8" });
    expect(out).to.match(/check-vectors: \d+ files, \d+ steps OK/);
  });
});
