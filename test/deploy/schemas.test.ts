import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

import { resolveConfig } from "../../src/deployment/config";
import { ConfigError } from "../../src/deployment/errors";
import { loadPlanFile } from "../../src/deployment/plan";
import { schemaProblems } from "../../src/deployment/schemas";

const ROOT = path.resolve(__dirname, "..", "..");
const readJson = (f: string) => JSON.parse(readFileSync(f, "utf8")) as Record<string, unknown>;

function problems(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe("JSON Schemas of the deployment plan and parameters (deploy/schema/, ajv)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-schemas-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("deploy/plan.json and every deploy/params/*.json match their schemas", () => {
    const plan = path.join(ROOT, "deploy", "plan.json");
    expect(schemaProblems("plan", readJson(plan), plan)).to.deep.equal([]);
    const params = readdirSync(path.join(ROOT, "deploy", "params")).filter((f) => f.endsWith(".json"));
    expect(params).to.include("local.json");
    for (const f of params) {
      const file = path.join(ROOT, "deploy", "params", f);
      expect(schemaProblems("params", readJson(file), file), f).to.deep.equal([]);
    }
  });

  it("a params file of the wrong shape is refused by the configuration check, each problem with its JSON pointer", () => {
    const good = readJson(path.join(ROOT, "deploy", "params", "local.json")) as {
      governance: { evm: Record<string, unknown>; wasm: Record<string, unknown> };
    };
    const { guardians: _g, ...evmWithoutGuardians } = good.governance.evm;
    const bad = path.join(dir, "bad.json");
    writeFileSync(
      bad,
      JSON.stringify({
        components: { RateLimiter: { capacity: { value: 5 } } },
        governance: { evm: evmWithoutGuardians, wasm: { ...good.governance.wasm, minDelay: "2" } },
        gouvernance: {},
      }),
    );
    const p = problems(() =>
      resolveConfig({ evmNetwork: "localhost", env: { VAGUS_DEPLOY_PARAMS: bad, VAGUS_WASM_MNEMONIC: "x" } }),
    );
    const rel = path.relative(process.cwd(), bad);
    const tail = " (deploy/schema/params.schema.json)";
    expect(p).to.include(`${rel} (top level): unexpected property "gouvernance"${tail}`);
    expect(p).to.include(`${rel} /governance/evm: missing required property "guardians"${tail}`);
    expect(p).to.include(`${rel} /governance/wasm/minDelay: must be integer${tail}`);
    expect(p).to.include(`${rel} /components/RateLimiter/capacity: must be integer,string,boolean${tail}`);
    // The value checks (addresses, ranges) wait for a file of the right shape.
    expect(p.filter((x) => x.startsWith("params: "))).to.deep.equal([]);
  });

  it("a plan of the wrong shape is refused when it is loaded (deploy, verify, prepare-deployment), with every problem", () => {
    const plan = readJson(path.join(ROOT, "deploy", "plan.json")) as {
      components: { evm: Record<string, unknown> }[];
      roles: Record<string, unknown>[];
    };
    delete plan.components[0].evm.contract;
    plan.roles[0].role = "OWNER";
    const file = path.join(dir, "plan.json");
    writeFileSync(file, JSON.stringify(plan));
    const p = problems(() => loadPlanFile(file));
    const rel = path.relative(process.cwd(), file);
    expect(p).to.have.length(2);
    expect(p[0]).to.equal(
      `${rel} /components/0/evm: missing required property "contract" (deploy/schema/plan.schema.json)`,
    );
    expect(p[1]).to.match(/ \/roles\/0\/role: "OWNER" is not one of "ADMIN", "GUARDIAN", /);
    expect(loadPlanFile().components.length).to.be.greaterThan(0);
  });
});
