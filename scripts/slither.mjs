#!/usr/bin/env node
// `npm run lint:slither`: Slither on the Hardhat build (artifacts/evm/build-info), checked
// against slither.triage.json.
//
// Fails (exit 1) on:
//   - any High or Medium finding, triaged or not (E_SLITHER_SEVERE);
//   - any Low / Informational finding whose key is not in the triage file (E_SLITHER_NEW);
//   - a triage file that is malformed or lists a High / Medium key (E_SLITHER_TRIAGE).
// A triage entry that matches nothing any more is reported, not fatal: a fix elsewhere
// must not break the lint, but the entry should be deleted.
//
// A finding's key is `detector:Contract.function` (the element Slither reports first,
// walked up to its function and contract), never a line number, so edits elsewhere in a
// file do not invalidate the triage.
//
// Env: VAGUS_SLITHER (the slither binary), else the venv that scripts/install-slither.sh
// makes under ${VAGUS_CACHE_DIR:-~/.cache/vagus}.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const TRIAGE = join(root, "slither.triage.json");
const BUILD_INFO = join(root, "artifacts/evm/build-info");
const SEVERE = new Set(["High", "Medium"]);
const IMPACTS = new Set(["Low", "Informational", "Optimization"]);

function fail(code, message) {
  console.error(`slither: ${code}: ${message}`);
  process.exit(1);
}

function slitherBinary() {
  if (process.env.VAGUS_SLITHER) return process.env.VAGUS_SLITHER;
  const installer = readFileSync(join(root, "scripts/install-slither.sh"), "utf8");
  const version = /SLITHER_VERSION="\$\{SLITHER_VERSION:-([0-9.]+)\}"/.exec(installer)?.[1];
  const cache = process.env.VAGUS_CACHE_DIR || join(homedir(), ".cache/vagus");
  const bin = join(cache, `slither-${version}`, "bin", "slither");
  if (!existsSync(bin)) {
    fail("E_SLITHER_MISSING", `${bin} not found: run \`bash scripts/install-slither.sh\` (or set VAGUS_SLITHER)`);
  }
  return bin;
}

/** `detector:Contract.function` of one finding. */
export function findingKey(finding) {
  const first = finding.elements?.[0];
  if (!first) return `${finding.check}:`;
  let contract = "";
  let member = "";
  let e = first;
  if (e.type === "contract") contract = e.name;
  while (e && !contract) {
    const parent = e.type_specific_fields?.parent;
    if (["function", "event", "modifier", "struct", "enum"].includes(e.type) && !member) member = e.name;
    if (!parent) break;
    if (parent.type === "contract") contract = parent.name;
    e = parent;
  }
  return `${finding.check}:${contract}.${member || first.name}`;
}

function loadTriage() {
  let triage;
  try {
    triage = JSON.parse(readFileSync(TRIAGE, "utf8"));
  } catch (e) {
    fail("E_SLITHER_TRIAGE", `cannot read ${TRIAGE}: ${e.message}`);
  }
  if (!Array.isArray(triage.findings)) fail("E_SLITHER_TRIAGE", "`findings` must be an array");
  const byKey = new Map();
  for (const [i, f] of triage.findings.entries()) {
    const where = `findings[${i}]`;
    if (typeof f.key !== "string" || !/^[a-z0-9-]+:[A-Za-z0-9_$]*\.[A-Za-z0-9_$]+$/.test(f.key)) {
      fail("E_SLITHER_TRIAGE", `${where}.key must be "detector:Contract.function", got ${JSON.stringify(f.key)}`);
    }
    if (!IMPACTS.has(f.impact)) {
      fail("E_SLITHER_TRIAGE", `${where} (${f.key}): impact ${JSON.stringify(f.impact)} cannot be triaged`);
    }
    if (typeof f.reason !== "string" || f.reason.trim().length < 10) {
      fail("E_SLITHER_TRIAGE", `${where} (${f.key}): a reason of at least a sentence is required`);
    }
    if (byKey.has(f.key)) fail("E_SLITHER_TRIAGE", `${where}: duplicate key ${f.key}`);
    byKey.set(f.key, f);
  }
  return byKey;
}

function runSlither() {
  if (!existsSync(BUILD_INFO) || readdirSync(BUILD_INFO).length === 0) {
    fail("E_SLITHER_NO_BUILD", `${BUILD_INFO} is empty: run \`npm run build:evm\` first`);
  }
  if (readdirSync(BUILD_INFO).length > 1) {
    // An incremental build keeps older build-info files whose sources no longer match the
    // files on disk; crytic-compile reads them all and fails on the stale source maps.
    console.log("slither: several build-info files (incremental build): `hardhat compile --force` first");
    const r = spawnSync("npx", ["hardhat", "compile", "--force", "--quiet"], { cwd: root, stdio: "inherit" });
    if (r.status !== 0) fail("E_SLITHER_NO_BUILD", "hardhat compile --force failed");
  }
  const dir = mkdtempSync(join(tmpdir(), "vagus-slither-"));
  const out = join(dir, "slither.json");
  try {
    const args = [
      ".",
      "--hardhat-ignore-compile",
      "--hardhat-artifacts-directory",
      "artifacts/evm",
      "--filter-paths",
      "node_modules|contracts/test",
      "--exclude-dependencies",
      "--json",
      out,
    ];
    const r = spawnSync(slitherBinary(), args, { cwd: root, encoding: "utf8" });
    if (!existsSync(out)) {
      fail("E_SLITHER_RUN", `slither produced no report (exit ${r.status}):\n${r.stderr}`);
    }
    const report = JSON.parse(readFileSync(out, "utf8"));
    if (!report.success) fail("E_SLITHER_RUN", `slither failed: ${report.error}`);
    return report.results?.detectors ?? [];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const triage = loadTriage();
  const findings = runSlither();
  const counts = {};
  const severe = [];
  const untriaged = [];
  const used = new Set();
  for (const f of findings) {
    counts[f.impact] = (counts[f.impact] ?? 0) + 1;
    const key = findingKey(f);
    const summary = `${f.impact} ${key}\n    ${f.description.trim().split("\n")[0]}`;
    if (SEVERE.has(f.impact)) severe.push(summary);
    else if (triage.has(key)) used.add(key);
    else untriaged.push(summary);
  }
  const line = ["High", "Medium", "Low", "Informational", "Optimization"]
    .map((i) => `${counts[i] ?? 0} ${i.toLowerCase()}`)
    .join(", ");
  console.log(`slither: ${findings.length} findings (${line}); ${used.size} triage keys matched`);
  for (const key of triage.keys()) {
    if (!used.has(key)) console.log(`slither: note: triage entry ${key} matches no finding any more; delete it`);
  }
  if (severe.length > 0) {
    fail("E_SLITHER_SEVERE", `high/medium findings (fix them; they cannot be triaged):\n  ${severe.join("\n  ")}`);
  }
  if (untriaged.length > 0) {
    fail(
      "E_SLITHER_NEW",
      `findings not in slither.triage.json (fix them, or add the key with a reason):\n  ${untriaged.join("\n  ")}`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
