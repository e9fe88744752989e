import { readFileSync } from "node:fs";
import path from "node:path";

import { expect } from "chai";
import { network } from "hardhat";

import {
  DifferentialRunner,
  ensureEngineBinary,
  findScenarioFiles,
  loadScenarioFile,
  missingForScenario,
  resultLine,
  startDevnet,
  type Devnet,
} from "../../src/equivalence";
import { loadSpec } from "../../src/spec";
import { SchemaValidator } from "../../src/spec/json-schema";

/**
 * The scenario corpus (scenarios/) and every spec vector (spec/vectors/**: component and
 * system vectors are scenarios too) on both stacks, step by step, with each step's
 * `expect` checked. A scenario whose components have not merged yet (spec file or a
 * stack's artifact) is not run: it is listed by name with what it lacks, and with
 * VAGUS_EQUIVALENCE_STRICT=1 (CI once the safety core is in) that is a failure.
 */

const ROOT = path.resolve(__dirname, "..", "..");
const spec = loadSpec();
const files = findScenarioFiles();
const runnable: string[] = [];
const waiting: { file: string; missing: string[] }[] = [];
for (const f of files) {
  const missing = missingForScenario(f, spec);
  if (missing.length === 0) runnable.push(f);
  else waiting.push({ file: f, missing });
}

describe("equivalence: the scenario corpus on both stacks", function () {
  this.timeout(600_000);
  let net: Devnet;
  let runner: DifferentialRunner;

  before(async function () {
    this.timeout(45 * 60_000);
    ensureEngineBinary();
    net = await startDevnet({ evmProvider: network.provider });
    runner = new DifferentialRunner({ spec, evm: net.evm, wasm: net.wasm });
  });

  after(async () => {
    await runner?.dispose();
    await net?.close();
  });

  it("every corpus file is a system vector (spec/schema/system-vector.schema.json)", () => {
    const schema = new SchemaValidator(
      JSON.parse(readFileSync(path.join(ROOT, "spec", "schema", "system-vector.schema.json"), "utf8")) as Record<
        string,
        unknown
      >,
    );
    for (const f of files.filter((x) => x.includes(`${path.sep}scenarios${path.sep}`))) {
      const errors = schema.validate(JSON.parse(readFileSync(f, "utf8")));
      expect(errors, path.relative(ROOT, f)).to.deep.equal([]);
    }
  });

  it(`finds the corpus (${files.length} files: ${runnable.length} runnable now, ${waiting.length} waiting for components)`, () => {
    expect(files.filter((f) => f.includes(`${path.sep}scenarios${path.sep}`)).length).to.be.at.least(8);
    expect(runnable.length).to.be.greaterThan(20);
  });

  it(
    waiting.length === 0
      ? "every scenario of the corpus is runnable"
      : `lists the scenarios not run yet: ${waiting.map((w) => `${path.basename(w.file)} (${w.missing.join("; ")})`).join(", ")}`,
    () => {
      for (const w of waiting) {
        // Only a component that is not there yet may hold a scenario back.
        expect(
          w.missing.every((m) => /not in spec\/ yet|no EVM artifact|no CosmWasm artifact/.test(m)),
          w.file,
        ).to.be.true;
      }
      if (process.env.VAGUS_EQUIVALENCE_STRICT === "1") expect(waiting.map((w) => w.file)).to.deep.equal([]);
    },
  );

  for (const file of runnable) {
    it(`${path.relative(ROOT, file)}: both stacks agree on every step and every expectation holds`, async () => {
      const r = await runner.run(loadScenarioFile(file, spec));
      if (r.verdict !== "passed") expect.fail(resultLine(r));
      expect(r.compared).to.equal(loadScenarioFile(file, spec).steps.length);
    });
  }
});
