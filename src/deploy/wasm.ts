import { readFileSync } from "node:fs";
import path from "node:path";

import { sha256 as sha256Bytes } from "@cosmjs/crypto";
import { toUtf8 } from "@cosmjs/encoding";

import { wasmChecksum, type WasmChain } from "../chains/wasm";
import { emergencyHolders, type GovernanceParams } from "../deployment/config";
import { toWasm } from "../spec";
import { fillTemplate, WASM_ARTIFACTS, type Plan } from "../deployment/plan";
import type { Step, StepData } from "../procedure/steps";

/**
 * CosmWasm steps of a deployment: store each artifact (skipped when its checksum is
 * already on chain), the timelock contract when its artifact exists, each component by
 * instantiate2 (a predicted address, so a resumed run finds what a killed one created),
 * with the timelock (or the governance account) as chain-level admin, then wiring,
 * guardians and the handover of the ADMIN role. The EVM addresses each contract pairs
 * with go into its instantiate memo and into the sync file.
 */

export interface WasmState {
  codes: Record<string, { codeId: number; checksum: string }>;
  addresses: Record<string, string>;
}

function rec(network: string, name: string, record: Record<string, unknown>): StepData {
  return { name, network, record };
}

export function wasmSteps(
  chain: WasmChain,
  network: string,
  plan: Plan,
  gov: GovernanceParams,
  opts: {
    deployment: string;
    deployer: string;
    timelockMode: boolean;
    resolve: (ref: string) => string;
    state: WasmState;
    /** EVM addresses by logical name (the other stack, deployed first). */
    evmAddresses: () => Record<string, string>;
    evmChainId: string;
  },
): Step[] {
  const { state, deployer } = opts;
  const steps: Step[] = [];
  const artifacts = [...plan.components.map((c) => c.wasm.artifact)];
  if (plan.wasmTimelock) artifacts.unshift(plan.timelock.wasm.artifact);

  for (const artifact of artifacts) {
    const file = path.join(WASM_ARTIFACTS, artifact);
    const checksum = wasmChecksum(readFileSync(file));
    const record = (codeId: number) => {
      state.codes[artifact] = { codeId, checksum };
      return rec(network, `code:${artifact}`, { codeId, checksum, artifact });
    };
    steps.push({
      id: `wasm:store:${artifact}`,
      stack: "wasm",
      network,
      describe: `store ${artifact} (sha256 ${checksum.slice(0, 12)}…) unless on chain`,
      probeFirst: true,
      intent: () => Promise.resolve({ artifact, checksum }),
      async probe() {
        const found = await chain.findCode(checksum);
        return found ? { ...record(found.codeId), already: true } : undefined;
      },
      async run(_intent, hooks) {
        const stored = await chain.store(file, { sender: deployer });
        hooks.sent();
        if (stored.checksum !== checksum) throw new Error(`stored checksum ${stored.checksum} != local ${checksum}`);
        const out = record(stored.codeId);
        Object.assign(out.record as object, { tx: stored.tx?.hash, block: stored.tx?.height });
        return { ...out, gasUsed: stored.gasUsed };
      },
    });
  }

  const salt = (name: string) => sha256Bytes(toUtf8(`vagus-deploy:${opts.deployment}:${name}`)).slice(0, 16);
  const holder = () => (plan.wasmTimelock ? state.addresses.timelock : opts.resolve(gov.admin ?? gov.proposers[0]));

  const instantiateStep = (
    name: string,
    artifact: string,
    msg: () => unknown,
    admin: () => string,
    memo: () => string,
  ): Step => ({
    id: `wasm:${name}:instantiate`,
    stack: "wasm",
    network,
    describe: `instantiate ${artifact} as ${name} (instantiate2, chain-level admin ${plan.wasmTimelock ? "timelock" : "governance account"})`,
    intent() {
      const code = state.codes[artifact];
      const s = salt(name);
      return Promise.resolve({
        codeId: code.codeId,
        checksum: code.checksum,
        salt: Buffer.from(s).toString("hex"),
        predicted: chain.predictAddress(code.checksum, deployer, s),
      });
    },
    async probe(intent) {
      const info = await chain.contractInfo(intent.predicted as string);
      if (!info) return undefined;
      state.addresses[name] = info.address;
      return {
        ...rec(network, name, { address: info.address, codeId: info.codeId, checksum: intent.checksum }),
        recovered: true,
      };
    },
    async run(intent, hooks) {
      const res = await chain.instantiate2({
        codeId: intent.codeId as number,
        sender: deployer,
        admin: admin(),
        label: `vagus ${name} ${opts.deployment}`,
        msg: msg(),
        salt: Buffer.from(intent.salt as string, "hex"),
        checksum: intent.checksum as string,
        memo: memo(),
      });
      hooks.sent();
      state.addresses[name] = res.address;
      return {
        ...rec(network, name, {
          address: res.address,
          codeId: intent.codeId,
          checksum: intent.checksum,
          tx: res.tx?.hash,
          block: res.tx?.height,
        }),
        gasUsed: res.gas.used,
      };
    },
  });

  if (plan.wasmTimelock) {
    const t = plan.timelock.wasm;
    steps.push(
      instantiateStep(
        "timelock",
        t.artifact,
        () =>
          fillTemplate(t.init, {
            minDelay: String(gov.minDelay),
            // Timelock mode: the deployer may propose/execute the wiring, then renounces.
            // Either mode: the deployer administers the timelock until every governance
            // guardian holds canceller, then renounces.
            timelockAdmin: deployer,
            proposers: (opts.timelockMode ? [deployer, ...gov.proposers] : gov.proposers).map(opts.resolve),
            executors: (opts.timelockMode ? [deployer, ...gov.executors] : gov.executors).map(opts.resolve),
          }),
        // The timelock administers itself: only its own operations can migrate it.
        () => chain.predictAddress(state.codes[t.artifact].checksum, deployer, salt("timelock")),
        () => `vagus evm-chain=${opts.evmChainId} evm-timelock=${opts.evmAddresses().timelock ?? ""}`,
      ),
    );
  }

  const initialAdmin = () => (opts.timelockMode && plan.wasmTimelock ? state.addresses.timelock : deployer);
  for (const c of plan.components) {
    steps.push(
      instantiateStep(
        c.name,
        c.wasm.artifact,
        () =>
          fillTemplate(c.wasm.init, {
            admin: initialAdmin(),
            params: c.paramsType && c.params ? toWasm(c.component, c.paramsType, c.params) : null,
            ...state.addresses,
          }),
        holder,
        () => `vagus evm-chain=${opts.evmChainId} evm-address=${opts.evmAddresses()[c.name] ?? ""}`,
      ),
    );
  }

  // Wiring and guardians, then the ADMIN handover — or, in timelock mode with the timelock
  // contract, all of them as one timelock batch (schedule, wait for the delay, execute).
  interface AdminCall {
    id: string;
    describe: string;
    contract: () => string;
    msg: () => unknown;
    done: () => Promise<boolean>;
  }
  const execStep = (c: AdminCall, contract?: () => string): Step => ({
    id: c.id,
    stack: "wasm",
    network,
    describe: c.describe,
    probeFirst: true,
    intent: () => Promise.resolve({ contract: (contract ?? c.contract)(), msg: c.msg() as Record<string, unknown> }),
    async probe() {
      return (await c.done()) ? { already: true } : undefined;
    },
    async run(intent, hooks) {
      const res = await chain.execute({ contract: intent.contract as string, sender: deployer, msg: intent.msg });
      hooks.sent();
      return { tx: res.tx?.hash, block: res.tx?.height, gasUsed: res.gas.used };
    },
  });
  const hasRole = async (contract: string, role: string, account: string) =>
    (await chain.query<{ has_role: boolean }>(contract, { has_role: { role, account } })).has_role;

  const calls: AdminCall[] = [];
  for (const link of plan.links) {
    if (!link.wasm) continue;
    const l = link.wasm;
    const ref = (v: unknown) => fillTemplate(v, state.addresses);
    calls.push({
      id: `wasm:${link.component}:link:${link.name}`,
      describe: `${link.component}: ${JSON.stringify(l.msg)}`,
      contract: () => state.addresses[link.component],
      msg: () => ref(l.msg),
      done: async () => {
        const got = await chain.query<Record<string, unknown>>(state.addresses[link.component], ref(l.check.query));
        return JSON.stringify(atPath(got, l.check.path)) === JSON.stringify(ref(l.check.equals));
      },
    });
  }
  const grants: { component: string; role: string; to: () => string; label: string }[] = plan.roles.map((r) => ({
    component: r.component,
    role: r.role,
    to: () => fillTemplate(r.to, state.addresses) as string,
    label: r.to,
  }));
  for (const c of plan.components) {
    if (!c.component.hasRole("GUARDIAN")) continue;
    gov.guardians.forEach((g, i) =>
      grants.push({ component: c.name, role: "GUARDIAN", to: () => opts.resolve(g), label: `guardian#${i}` }),
    );
  }
  for (const c of plan.components) {
    if (!c.component.hasRole("EMERGENCY")) continue;
    emergencyHolders(gov).forEach((g, i) =>
      grants.push({ component: c.name, role: "EMERGENCY", to: () => opts.resolve(g), label: `emergency#${i}` }),
    );
  }
  for (const g of grants) {
    const role = plan.spec.role(g.role).wasm;
    calls.push({
      id: `wasm:${g.component}:grant:${g.role}:${g.label}`,
      describe: `${g.component}: grant ${g.role} to ${g.label}`,
      contract: () => state.addresses[g.component],
      msg: () => ({ grant_role: { role, account: g.to() } }),
      done: () => hasRole(state.addresses[g.component], role, g.to()),
    });
  }
  const admin = plan.spec.role("ADMIN").wasm;
  const cancellerGrants = plan.wasmTimelock
    ? gov.guardians.map((g, i) =>
        execStep({
          id: `wasm:timelock:grant:canceller:guardian#${i}`,
          describe: `timelock: grant canceller to guardian#${i}`,
          contract: () => state.addresses.timelock,
          msg: () => ({ grant_role: { role: "canceller", account: opts.resolve(g) } }),
          done: () => hasRole(state.addresses.timelock, "canceller", opts.resolve(g)),
        }),
      )
    : [];
  if (!(opts.timelockMode && plan.wasmTimelock)) {
    for (const c of calls) steps.push(execStep(c));
    for (const c of plan.components) {
      steps.push(
        execStep({
          id: `wasm:${c.name}:grant-admin-holder`,
          describe: `${c.name}: grant ADMIN to the ${plan.wasmTimelock ? "timelock" : "governance account"}`,
          contract: () => state.addresses[c.name],
          msg: () => ({ grant_role: { role: admin, account: holder() } }),
          done: () => hasRole(state.addresses[c.name], admin, holder()),
        }),
      );
    }
    for (const c of plan.components) {
      steps.push(
        execStep({
          id: `wasm:${c.name}:renounce-admin`,
          describe: `${c.name}: deployer renounces ADMIN`,
          contract: () => state.addresses[c.name],
          msg: () => ({ renounce_role: { role: admin, caller_confirmation: deployer } }),
          done: async () => !(await hasRole(state.addresses[c.name], admin, deployer)),
        }),
      );
    }
    if (plan.wasmTimelock) {
      steps.push(...cancellerGrants);
      steps.push(
        execStep({
          id: `wasm:timelock:renounce-${admin}`,
          describe: `timelock: deployer renounces ${admin}`,
          contract: () => state.addresses.timelock,
          msg: () => ({ renounce_role: { role: admin, caller_confirmation: deployer } }),
          done: async () => !(await hasRole(state.addresses.timelock, admin, deployer)),
        }),
      );
    }
  } else {
    steps.push(...timelockBatch(chain, network, calls, gov, opts.deployment, deployer, state));
    steps.push(...cancellerGrants);
    for (const role of ["proposer", "executor", "canceller", admin]) {
      steps.push(
        execStep({
          id: `wasm:timelock:renounce-${role}`,
          describe: `timelock: deployer renounces ${role}`,
          contract: () => state.addresses.timelock,
          msg: () => ({ renounce_role: { role, caller_confirmation: deployer } }),
          done: async () => !(await hasRole(state.addresses.timelock, role, deployer)),
        }),
      );
    }
  }
  return steps;
}

const ZERO32 = "00".repeat(32);

/** Timelock mode on CosmWasm: every admin call in one batch of the timelock contract. */
function timelockBatch(
  chain: WasmChain,
  network: string,
  calls: { describe: string; contract: () => string; msg: () => unknown }[],
  gov: GovernanceParams,
  deployment: string,
  deployer: string,
  state: WasmState,
): Step[] {
  if (calls.length === 0) return [];
  const salt = Buffer.from(sha256Bytes(toUtf8(`vagus-deploy:${deployment}:wiring`))).toString("hex");
  const batch = () =>
    calls.map((c) => ({
      execute: { contract_addr: c.contract(), msg: Buffer.from(JSON.stringify(c.msg())).toString("base64"), funds: [] },
    }));
  const opId = async () =>
    (
      await chain.query<{ id: string }>(state.addresses.timelock, {
        hash_operation_batch: { calls: batch(), predecessor: ZERO32, salt },
      })
    ).id;
  const q = async <K extends string>(key: K, id: string) =>
    (await chain.query<Record<K, boolean>>(state.addresses.timelock, { [key]: { id } }))[key];
  const send = async (msg: unknown, hooks: { sent(): void }) => {
    const res = await chain.execute({ contract: state.addresses.timelock, sender: deployer, msg });
    hooks.sent();
    return {
      tx: res.tx?.hash,
      block: res.tx?.height,
      gasUsed: res.gas.used,
      operation: await opId(),
    };
  };
  return [
    {
      id: "wasm:timelock:schedule-wiring",
      stack: "wasm",
      network,
      describe: `timelock: schedule ${calls.length} admin call(s) with delay ${gov.minDelay}s`,
      probeFirst: true,
      intent: async () => ({ operation: await opId() }),
      probe: async () => ((await q("is_operation", await opId())) ? { already: true } : undefined),
      run: (_i, hooks) =>
        send({ schedule_batch: { calls: batch(), predecessor: ZERO32, salt, delay: String(gov.minDelay) } }, hooks),
    },
    {
      id: "wasm:timelock:execute-wiring",
      stack: "wasm",
      network,
      describe: "timelock: execute the wiring batch once ready",
      probeFirst: true,
      async intent() {
        const id = await opId();
        const deadline = Date.now() + (gov.minDelay + 120) * 1000;
        while (!(await q("is_operation_ready", id))) {
          if (await q("is_operation_done", id)) break;
          if (Date.now() > deadline) throw new Error(`timelock operation ${id} not ready after ${gov.minDelay + 120}s`);
          await new Promise((r) => setTimeout(r, 1000));
        }
        return { operation: id };
      },
      probe: async () => ((await q("is_operation_done", await opId())) ? { already: true } : undefined),
      run: (_i, hooks) => send({ execute_batch: { calls: batch(), predecessor: ZERO32, salt } }, hooks),
    },
  ];
}

/** The value at a dotted path of a query answer; the empty path is the whole answer. */
export function atPath(value: unknown, dotted: string): unknown {
  if (dotted === "") return value;
  return dotted.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], value);
}
