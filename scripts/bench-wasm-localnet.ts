/**
 * Real-node gas of the CosmWasm hot paths (issue 14 item 3): deploys the seven safety-core
 * artifacts (artifacts/wasm) on the wasmd localnet, wires them as spec/safety-core.md §0
 * says, and reports the `gas_used` of steady-state `issue`, `updateTone` and
 * `postEvidence` transactions (what the node charged, ante handler included).
 *
 *   . $VAGUS_LOCALNET_DIR/env
 *   npx ts-node --transpile-only scripts/bench-wasm-localnet.ts [--reuse] [--label TEXT]
 *
 * The deployment (code ids, addresses, next nonce) is kept in
 * $VAGUS_LOCALNET_DIR/bench-wasm-localnet.json; `--reuse` measures again on it, e.g. after
 * the codes were pinned (docs/operations/pinning.md): pinning is per code id, so a fresh
 * deployment would measure unpinned codes. Results are appended to
 * reports/bench-wasm-localnet.json under `--label` (default "unpinned", or "reuse").
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { CosmjsChain } from "../src/chains/wasm";
import { atomicWriteJson } from "../src/deployment/fsx";
import { AddressBook } from "../src/equivalence/canon";
import { SYSTEM_COMPONENTS } from "../src/equivalence/scenario";
import { WasmStack } from "../src/equivalence/stacks";
import { wiringSteps } from "../src/equivalence/wiring";
import { loadSpec } from "../src/spec";
import { localnet, mnemonicOf } from "../test/e2e/localnet";

const ROOT = path.resolve(__dirname, "..");
const COMPONENTS = [...SYSTEM_COMPONENTS];
const EX = 1;
const ACTION = `0x${"a1".repeat(32)}`;
const ROOT_HASH = `0x${"c3".repeat(32)}`;

interface Saved {
  addresses: Record<string, string>;
  codeIds: Record<string, number>;
  nonce: number;
  sequence: number;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value`);
  return v;
}

async function main(): Promise<void> {
  const known = new Set(["--reuse", "--label"]);
  for (const a of process.argv.slice(2)) {
    if (a.startsWith("--") && !known.has(a)) throw new Error(`unknown option ${a} (--reuse, --label TEXT)`);
  }
  const reuse = process.argv.includes("--reuse");
  const label = arg("--label") ?? (reuse ? "reuse" : "unpinned");
  const net = localnet();
  const stateFile = path.join(net.dir, "bench-wasm-localnet.json");
  if (reuse && !existsSync(stateFile)) throw new Error(`--reuse: no ${stateFile}; run once without --reuse`);
  const spec = loadSpec();
  const chain = await CosmjsChain.connect({
    rpc: net.wasmRpc,
    chainId: net.chainId,
    prefix: net.prefix,
    gasPrice: net.gasPrice,
    signers: ["deployer", "alice"].map((name) => ({ name, mnemonic: mnemonicOf(net, name) })),
  });
  try {
    const book = new AddressBook();
    book.setWasm("@admin", chain.address("deployer"));
    book.setWasm("@robot", chain.address("alice"));
    const stack = new WasmStack(chain, spec, book);
    const run = async (on: string, call: string, args: Record<string, unknown>): Promise<number> => {
      const o = await stack.execute(on, spec.component(on).operation(call), args, "@admin");
      if (o.status === "error") throw new Error(`${on}.${call}: ${o.name ?? o.detail ?? o.code}`);
      return chain.lastTx!.gasUsed;
    };
    let saved: Saved;
    if (reuse) {
      saved = JSON.parse(readFileSync(stateFile, "utf8")) as Saved;
      for (const [c, a] of Object.entries(saved.addresses)) {
        stack.bind(`@@${c}`, a);
        // WasmStack only learns addresses by deploying; the differential runner's class is
        // left unchanged here, so the saved deployment is put into its map directly.
        (stack as unknown as { addresses: Map<string, string> }).addresses.set(c, a);
      }
    } else {
      const deployed = await stack.deploy(COMPONENTS, {});
      const addresses: Record<string, string> = {};
      const codeIds: Record<string, number> = {};
      for (const d of deployed) {
        stack.bind(`@@${d.component}`, d.address);
        addresses[d.component] = d.address;
        const info = await chain.contractInfo(d.address);
        if (!info) throw new Error(`${d.component}: no contract info at ${d.address}`);
        codeIds[d.component] = info.codeId;
      }
      for (const st of wiringSteps(spec, COMPONENTS)) await run(st.on, st.call, st.args);
      for (const [c, role] of [
        ["CapabilityIssuer", "PLANNER"],
        ["ANSStateManager", "ORACLE"],
        ["AfferentInbox", "ATTESTOR"],
      ]) {
        await run(c, "grantRole", { role, account: "@admin" });
      }
      await run("CapabilityIssuer", "registerExecutor", { executorId: EX, account: "@robot" });
      await run("VagalBrake", "setActionSchema", {
        actionId: ACTION,
        params: [{ name: "force", brakeable: true, cap: 1000 }],
      });
      saved = { addresses, codeIds, nonce: 0, sequence: 0 };
    }
    const evidence = async () =>
      run("AfferentInbox", "postEvidence", {
        executorId: EX,
        stateRoot: ROOT_HASH,
        metrics: {
          sequence: ++saved.sequence,
          riskPpm: 0,
          forceMilliN: 0,
          velocityMilliMps: 0,
          temperatureMilliC: 20000,
        },
      });
    const tone = async () => run("ANSStateManager", "updateTone", { executorId: EX, tonePpm: 100_000 });
    const now = Math.floor(Date.now() / 1000);
    const issue = async () =>
      run("CapabilityIssuer", "issue", {
        intent: {
          executorId: EX,
          actionId: ACTION,
          nonce: ++saved.nonce,
          notBefore: now - 3600,
          notAfter: now + 7200,
          ttl: 3600,
          preStateRoot: ROOT_HASH,
          params: [500],
        },
      });
    // The first of each writes new records; the later ones are the steady state.
    const rows: Record<string, number[]> = { postEvidence: [], updateTone: [], issue: [] };
    for (let i = 0; i < 3; i++) rows.postEvidence.push(await evidence());
    for (let i = 0; i < 3; i++) rows.updateTone.push(await tone());
    for (let i = 0; i < 4; i++) rows.issue.push(await issue());
    atomicWriteJson(stateFile, saved);
    const result = { label, measured: new Date().toISOString(), codeIds: saved.codeIds, gasUsed: rows };
    const reportFile = path.join(ROOT, "reports", "bench-wasm-localnet.json");
    const all = existsSync(reportFile)
      ? (JSON.parse(readFileSync(reportFile, "utf8")) as Record<string, unknown>)
      : ({} as Record<string, unknown>);
    all[label] = result;
    atomicWriteJson(reportFile, all);
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await chain.close();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
