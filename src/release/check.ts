import { readFileSync } from "node:fs";
import path from "node:path";

import type { HardhatRuntimeEnvironment } from "hardhat/types";

import { proxyImplementation } from "../chains/evm";
import type { EvmChain, WasmChain } from "../chains/types";
import { bookPath, bookText, deriveBook, readBook } from "../deployment/address-book";
import type { DeployConfig } from "../deployment/config";
import { Journal, verifyJournalText } from "../deployment/journal";
import { loadPlanFile } from "../deployment/plan";
import { journalFile, readSync, type SyncFile } from "../deployment/sync";
import { verifyDeployment } from "../deploy/verify";
import type { EvmEndpoint } from "../deployment/endpoints";
import { CHECK } from "./codes";
import { CHECK_KINDS, type CheckItem, type CheckKind, type CheckReport } from "./check-report";

export * from "./check-report";

/**
 * `npx hardhat vagus:check --network <net>`: the runbook's daily list on a live deployment
 * (docs/decisions/0045), each a kind of item: `verify` (code, roles, parameters on both
 * stacks), `access` (every role holder on both stacks against the plan), `sync` (sync.json
 * equals what the chains say), `journal` (the hash chain), `books` (each address book is
 * what the journal derives, byte for byte), `drift` (the chains' clocks). The report goes
 * to deployments/<pair>/check/last.json (and a dated copy), which the exporter turns into
 * metrics.
 */

const CODE_OF: Record<CheckKind, number> = {
  verify: CHECK.verify,
  access: CHECK.access,
  sync: CHECK.sync,
  journal: CHECK.journal,
  books: CHECK.books,
  drift: CHECK.drift,
};

function item(kind: CheckKind, name: string, ok: boolean, detail: string): CheckItem {
  return ok ? { kind, item: name, ok, detail } : { kind, item: name, ok, code: CODE_OF[kind], detail };
}

/** The local records: the journal's hash chain and each address book re-derived from it. */
export function checkRecords(cfg: Pick<DeployConfig, "pairDir" | "root" | "evmNetwork" | "wasm">): CheckItem[] {
  const out: CheckItem[] = [];
  const jf = journalFile(cfg);
  const text = readFileSync(jf, "utf8");
  const v = verifyJournalText(text);
  out.push(
    item(
      "journal",
      "journal hash chain",
      v.problems.length === 0,
      v.problems.length === 0
        ? `${v.entries} entries, ${v.chained} chained${v.chained < v.entries ? ` (${v.entries - v.chained} written before the chain)` : ""}`
        : v.problems.slice(0, 3).join("; ") + (v.problems.length > 3 ? ` (+${v.problems.length - 3})` : ""),
    ),
  );
  const journal = Journal.open(jf);
  for (const [network, stack] of [
    [cfg.evmNetwork, "evm"],
    [cfg.wasm.name, "wasm"],
  ] as const) {
    const file = bookPath(cfg.root, network);
    const have = readBook(cfg.root, network);
    if (!have) {
      out.push(item("books", `address book ${network}`, false, `${file} is missing`));
      continue;
    }
    const derived = bookText(deriveBook(journal, network, stack, have.chainId));
    const same = derived === readFileSync(file, "utf8");
    out.push(
      item(
        "books",
        `address book ${network}`,
        same,
        same
          ? "re-derives from the journal byte for byte"
          : `${path.basename(path.dirname(file))}/addresses.json differs from what the journal derives (edited by hand?)`,
      ),
    );
  }
  return out;
}

/** sync.json against the chains: chain ids, proxies' implementations, contracts' code ids and checksums. */
export async function checkSync(
  sync: SyncFile,
  evm: EvmChain,
  wasm: WasmChain,
  /** Logical name → .wasm file: sync.json keys the stored codes by artifact. */
  artifactOf: (name: string) => string | undefined,
): Promise<CheckItem[]> {
  const out: CheckItem[] = [];
  const evmChainId = (await evm.block()).chainId.toString();
  const wasmChainId = (await wasm.block()).chainId;
  out.push(
    item(
      "sync",
      "chain ids",
      evmChainId === sync.evm.chainId && wasmChainId === sync.wasm.chainId,
      `EVM ${evmChainId} (sync ${sync.evm.chainId}), CosmWasm ${wasmChainId} (sync ${sync.wasm.chainId})`,
    ),
  );
  for (const p of sync.pairs) {
    const problems: string[] = [];
    if (p.evm) {
      const code = await evm.code(p.evm);
      if (code === "0x") problems.push(`EVM ${p.evm} has no code`);
      const impl = sync.evm.implementations[p.name];
      if (impl && code !== "0x") {
        const onChain = await proxyImplementation(evm, p.evm);
        if (onChain.toLowerCase() !== impl.toLowerCase())
          problems.push(`EVM implementation ${onChain}, sync.json says ${impl}`);
      }
    }
    if (p.wasm) {
      const info = await wasm.contractInfo(p.wasm);
      const artifact = artifactOf(p.name);
      const rec = artifact === undefined ? undefined : sync.wasm.codes[artifact];
      if (!info) problems.push(`CosmWasm ${p.wasm} is not a contract`);
      else if (!rec) problems.push(`sync.json records no stored code for ${artifact ?? p.name}`);
      else {
        if (info.codeId !== rec.codeId) problems.push(`CosmWasm code id ${info.codeId}, sync.json says ${rec.codeId}`);
        const sum = await wasm.codeChecksum(info.codeId);
        if (sum !== rec.checksum.toLowerCase())
          problems.push(`CosmWasm code checksum ${sum.slice(0, 12)}…, sync.json says ${rec.checksum.slice(0, 12)}…`);
      }
    }
    out.push(
      item(
        "sync",
        `sync ${p.name}`,
        problems.length === 0,
        problems.length ? problems.join("; ") : `EVM ${p.evm ?? "-"}, CosmWasm ${p.wasm ?? "-"}`,
      ),
    );
  }
  return out;
}

/** The two chains' clocks: EVM (pending block, else latest) against CosmWasm's latest block. */
export function checkDrift(evmTime: number, wasmTime: number, maxSeconds: number): CheckItem {
  const d = evmTime - wasmTime;
  return item(
    "drift",
    "time drift",
    Math.abs(d) <= maxSeconds,
    `EVM ${evmTime} − CosmWasm ${wasmTime} = ${d} s (limit ±${maxSeconds} s)`,
  );
}

export function renderCheckTable(items: CheckItem[]): string {
  const w = Math.min(40, Math.max(4, ...items.map((i) => i.item.length)));
  const lines = [`${"kind".padEnd(8)} ${"item".padEnd(w)}  result  code   detail`];
  for (const i of items)
    lines.push(
      `${i.kind.padEnd(8)} ${i.item.padEnd(w)}  ${(i.ok ? "ok" : "FAIL").padEnd(6)}  ${String(i.code ?? "").padEnd(5)}  ${i.detail}`,
    );
  return lines.join("\n");
}

export function checkReportOf(pair: string, deployment: string, items: CheckItem[], now = new Date()): CheckReport {
  const failures = Object.fromEntries(
    CHECK_KINDS.map((k) => [k, items.filter((i) => i.kind === k && !i.ok).length]),
  ) as Record<CheckKind, number>;
  return {
    time: Math.floor(now.getTime() / 1000),
    generatedAt: now.toISOString(),
    pair,
    deployment,
    ok: items.every((i) => i.ok),
    failures,
    items,
  };
}

/** The access review of the `roles` work (src/access/roles.ts), when this tree has it. */
type ReviewRoles = (
  hre: HardhatRuntimeEnvironment,
  opts?: { stacks?: ("evm" | "wasm")[] },
) => Promise<{ ok: boolean; rows: unknown[]; problems: string[] }>;

export async function checkAccess(hre: HardhatRuntimeEnvironment): Promise<CheckItem> {
  let reviewRoles: ReviewRoles;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    reviewRoles = (require("../access/roles") as { reviewRoles: ReviewRoles }).reviewRoles;
  } catch {
    return item(
      "access",
      "access review",
      false,
      "src/access/roles.ts (reviewRoles) is not in this tree: the review cannot run",
    );
  }
  const r = await reviewRoles(hre);
  return item(
    "access",
    "access review",
    r.ok,
    r.ok
      ? `${r.rows.length} role holders, all as planned`
      : r.problems.slice(0, 3).join("; ") + (r.problems.length > 3 ? ` (+${r.problems.length - 3})` : ""),
  );
}

/** Runs every item; throws only when nothing is deployed or a chain cannot be reached. */
export async function dailyCheck(
  hre: HardhatRuntimeEnvironment,
  cfg: DeployConfig,
  evm: EvmEndpoint,
  wasm: WasmChain,
  opts: { maxDriftSeconds: number },
): Promise<CheckReport> {
  const sync = readSync(cfg);
  if (!sync) throw new Error(`no deployment recorded for ${cfg.evmNetwork}+${cfg.wasm.name}`);
  const items: CheckItem[] = [];
  const report = await verifyDeployment(cfg, evm);
  const bad = report.checks.filter((c) => !c.ok);
  items.push(
    item(
      "verify",
      "deployment verification",
      report.ok,
      report.ok
        ? `${report.checks.length} checks (code, roles, parameters on both stacks)`
        : bad
            .slice(0, 3)
            .map((c) => `${c.stack} ${c.subject} ${c.check}: expected ${c.expected}, got ${c.actual}`)
            .join("; ") + (bad.length > 3 ? ` (+${bad.length - 3})` : ""),
    ),
  );
  items.push(await checkAccess(hre));
  const plan = loadPlanFile();
  const artifacts = new Map<string, string>([
    ...plan.components.map((c): [string, string] => [c.name, c.wasm.artifact]),
    ["timelock", plan.timelock.wasm.artifact],
  ]);
  items.push(...(await checkSync(sync, evm.chain, wasm, (n) => artifacts.get(n))));
  items.push(...checkRecords(cfg));
  const pending = (await hre.network.provider
    .request({ method: "eth_getBlockByNumber", params: ["pending", false] })
    .catch(() => null)) as { timestamp?: string } | null;
  const evmTime = pending?.timestamp ? Number(BigInt(pending.timestamp)) : (await evm.chain.block()).time;
  items.push(checkDrift(evmTime, (await wasm.block()).time, opts.maxDriftSeconds));
  return checkReportOf(`${cfg.evmNetwork}+${cfg.wasm.name}`, sync.deployment, items);
}
