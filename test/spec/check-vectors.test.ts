import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

import { expect } from "chai";

const ROOT = path.resolve(__dirname, "..", "..");
const CHECKER = path.join(ROOT, "scripts", "check-vectors.mjs");
const VECTOR = path.join(ROOT, "spec", "vectors", "rate-limiter", "01-basic-capacity.json");

function check(file: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [CHECKER, file], { encoding: "utf8" });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("scripts/check-vectors.mjs (ajv for the shape, the spec for the names)", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "vagus-vectors-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (mutate: (v: { component: string; steps: Record<string, unknown>[] }) => void) => {
    const v = JSON.parse(readFileSync(VECTOR, "utf8")) as { component: string; steps: Record<string, unknown>[] };
    mutate(v);
    const file = path.join(dir, path.basename(VECTOR));
    writeFileSync(file, JSON.stringify(v));
    return file;
  };

  it("accepts an unmodified vector", () => {
    const r = check(write(() => undefined));
    expect(r.status, r.out).to.equal(0);
    expect(r.out).to.match(/check-vectors: 1 files, \d+ steps OK/);
  });

  it("rejects a vector of the wrong shape, listing every schema violation by JSON pointer", () => {
    const r = check(
      write((v) => {
        v.component = "Nope";
        v.steps[0].bogus = 1;
        v.steps[1].at = -3;
      }),
    );
    expect(r.status).to.equal(1);
    expect(r.out).to.include("01-basic-capacity.json: does not match spec/schema/vector.schema.json:");
    expect(r.out).to.include('/component: "Nope" is not one of "RateLimiter", ');
    expect(r.out).to.include('/steps/0: unexpected property "bogus"');
    expect(r.out).to.include("/steps/1/at: must be >= 0");
  });

  it("rejects a well-shaped vector that names an operation the component does not have", () => {
    const r = check(
      write((v) => {
        const step = v.steps.find((s) => "call" in s)!;
        step.call = "explode";
      }),
    );
    expect(r.status).to.equal(1);
    expect(r.out).to.match(/steps\[\d+\]: RateLimiter has no operation "explode"/);
  });
});
