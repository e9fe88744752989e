import { getCreateAddress, keccak256, toUtf8Bytes, ZeroHash } from "ethers";

import {
  codeMatchesArtifact,
  EvmChainError,
  ERC1967_PROXY,
  proxyConstructorArgs,
  readEvmArtifact,
  readEvmArtifactWithImmutables,
  type EvmChain,
} from "../chains/evm";
import { toEvmArg } from "../spec";
import { emergencyHolders, type GovernanceParams } from "../deployment/config";
import type { EvmEndpoint } from "../deployment/endpoints";
import { ConfigError } from "../deployment/errors";
import { fillTemplate, type Plan, type PlannedComponent } from "../deployment/plan";
import type { Step, StepData } from "../procedure/steps";

/**
 * EVM steps of a deployment: the TimelockController, an implementation and an ERC-1967
 * proxy per component, wiring, guardian grants, and the handover of ADMIN to the timelock
 * (directly, or — timelock mode — every admin call scheduled and executed through it).
 * Everything goes through an `EvmChain` (Hardhat's in-process network or JSON-RPC), with
 * the nonce of each journaled intent, and every ABI comes from the compiled artifacts.
 */

export const TIMELOCK_ROLES = {
  DEFAULT_ADMIN: ZeroHash,
  PROPOSER: keccak256(toUtf8Bytes("PROPOSER_ROLE")),
  EXECUTOR: keccak256(toUtf8Bytes("EXECUTOR_ROLE")),
  CANCELLER: keccak256(toUtf8Bytes("CANCELLER_ROLE")),
} as const;

export interface EvmState {
  /** Name → proxy address (and `timelock`). */
  addresses: Record<string, string>;
  implementations: Record<string, string>;
}

interface AdminCall {
  id: string;
  describe: string;
  target: () => string;
  /** The artifact whose ABI the target speaks (a component's, or the timelock's). */
  contract: string;
  fn: string;
  args: () => unknown[];
  /** True when the effect is already on chain. */
  done: () => Promise<boolean>;
}

function rec(network: string, name: string, record: Record<string, unknown>): StepData {
  return { name, network, record };
}

/** `address`, made decodable on `chain` with the ABI of the artifact `contract`. */
export function evmAt(chain: EvmChain, address: string, contract: string): string {
  chain.registerAbi(address, readEvmArtifact(contract));
  return address;
}

/** A view of `contract`'s ABI at `address`; resolves with its single output or the output list. */
export async function evmView(
  chain: EvmChain,
  contract: string,
  address: string,
  fn: string,
  args: readonly unknown[] = [],
): Promise<unknown> {
  const out = await chain.call({ to: evmAt(chain, address, contract), fn, args });
  return out.length === 1 ? out[0] : out;
}

export function evmSteps(
  t: EvmEndpoint,
  plan: Plan,
  gov: GovernanceParams,
  opts: { deployment: string; timelockMode: boolean; state: EvmState },
): Step[] {
  const { state } = opts;
  const { chain } = t;
  const steps: Step[] = [];
  const N = t.network;
  const tlName = plan.timelock.evm.contract;

  /** A CREATE of `artifactName` with `args()` from the deployer at the intent's nonce. */
  const createStep = (
    id: string,
    describe: string,
    artifactName: string,
    args: () => unknown[],
    record: (addr: string) => StepData,
  ): Step => ({
    id,
    stack: "evm",
    network: N,
    describe,
    async intent() {
      const nonce = await chain.nonce(t.deployer, "pending");
      return {
        from: t.deployer,
        nonce,
        predicted: getCreateAddress({ from: t.deployer, nonce }),
        artifact: artifactName,
      };
    },
    async probe(intent) {
      const predicted = intent.predicted as string;
      const code = await chain.code(predicted);
      if (code === "0x") return undefined;
      // Runtime code of this artifact (immutables aside) proves it is ours, not another tx's.
      if (!codeMatchesArtifact(code, readEvmArtifactWithImmutables(artifactName))) {
        throw new Error(
          `${predicted} holds code that is not ${artifactName}; the nonce was used by another transaction`,
        );
      }
      return { ...record(predicted), recovered: true };
    },
    async run(intent, hooks) {
      const r = await chain.deploy({
        artifact: readEvmArtifact(artifactName),
        args: args(),
        from: t.deployer,
        nonce: intent.nonce as number,
        gasLimit: "estimate",
      });
      hooks.sent();
      if (r.address.toLowerCase() !== (intent.predicted as string).toLowerCase()) {
        throw new Error(`deployed at ${r.address}, predicted ${String(intent.predicted)}`);
      }
      const out = record(r.address);
      (out.record as Record<string, unknown>).tx = r.hash;
      (out.record as Record<string, unknown>).block = r.blockNumber;
      return { ...out, gasUsed: r.gasUsed.toString() };
    },
  });

  /** A call from the deployer; `done` proves its effect. */
  const callStep = (c: AdminCall): Step => ({
    id: c.id,
    stack: "evm",
    network: N,
    describe: c.describe,
    probeFirst: true,
    async intent() {
      const nonce = await chain.nonce(t.deployer, "pending");
      const to = evmAt(chain, c.target(), c.contract);
      return { from: t.deployer, nonce, to, calldata: chain.encodeCall(to, c.fn, c.args()) };
    },
    async probe() {
      return (await c.done()) ? { already: true } : undefined;
    },
    async run(intent, hooks) {
      const r = await chain.send({
        to: evmAt(chain, intent.to as string, c.contract),
        fn: c.fn,
        args: c.args(),
        from: t.deployer,
        nonce: intent.nonce as number,
        gasLimit: "estimate",
        returnValue: false,
      });
      hooks.sent();
      return { tx: r.hash, block: r.blockNumber, gasUsed: r.gasUsed.toString() };
    },
  });

  const hasRole = (contract: string, address: string, role: string, account: string) =>
    evmView(chain, contract, address, "hasRole", [role, account]) as Promise<boolean>;

  // --- timelock ---------------------------------------------------------------------
  const tlProposers = opts.timelockMode ? [t.deployer, ...gov.proposers] : gov.proposers;
  const tlExecutors = opts.timelockMode ? [t.deployer, ...gov.executors] : gov.executors;
  // The deployer administers the timelock only long enough to make every governance
  // guardian a CANCELLER (OpenZeppelin's constructor gives that role to proposers only),
  // then renounces.
  const tlAdmin = t.deployer;
  steps.push(
    createStep(
      "evm:timelock",
      `deploy ${tlName}(minDelay ${gov.minDelay}s, proposers ${gov.proposers.length}, executors ${gov.executors.length})`,
      tlName,
      () => [gov.minDelay, tlProposers, tlExecutors, tlAdmin],
      (addr) => {
        state.addresses.timelock = addr;
        return rec(N, "timelock", { address: addr, artifact: tlName });
      },
    ),
  );

  // --- components ---------------------------------------------------------------------
  const initialAdmin = () => (opts.timelockMode ? state.addresses.timelock : t.deployer);
  for (const c of plan.components) {
    steps.push(
      createStep(
        `evm:${c.name}:implementation`,
        `deploy ${c.evm.contract} implementation`,
        c.evm.contract,
        () => [],
        (addr) => {
          state.implementations[c.name] = addr;
          return rec(N, c.name, { implementation: addr, artifact: c.evm.contract });
        },
      ),
    );
    steps.push(
      createStep(
        `evm:${c.name}:proxy`,
        `deploy ${ERC1967_PROXY} for ${c.name}, initialize(admin ${opts.timelockMode ? "timelock" : "deployer"}, ${JSON.stringify(c.params, big)})`,
        ERC1967_PROXY,
        () =>
          proxyConstructorArgs(
            readEvmArtifact(c.evm.contract),
            state.implementations[c.name],
            initArgs(c, initialAdmin(), state),
          ),
        (addr) => {
          state.addresses[c.name] = addr;
          return rec(N, c.name, {
            address: addr,
            implementation: state.implementations[c.name],
            artifact: c.evm.contract,
          });
        },
      ),
    );
  }

  // --- wiring, guardians, handover ------------------------------------------------------
  const adminCalls = wiringCalls(chain, plan, gov, state);
  const cancellerGrants = gov.guardians.map((g, i) =>
    callStep({
      id: `evm:timelock:grant:CANCELLER:guardian#${i}`,
      describe: `timelock: grant CANCELLER to guardian#${i}`,
      target: () => state.addresses.timelock,
      contract: tlName,
      fn: "grantRole",
      args: () => [TIMELOCK_ROLES.CANCELLER, g],
      done: () => hasRole(tlName, state.addresses.timelock, TIMELOCK_ROLES.CANCELLER, g),
    }),
  );
  if (!opts.timelockMode) {
    for (const call of adminCalls) steps.push(callStep(call));
    for (const c of plan.components) {
      steps.push(
        callStep({
          id: `evm:${c.name}:grant-admin-timelock`,
          describe: `${c.name}: grant ADMIN to the timelock`,
          target: () => state.addresses[c.name],
          contract: c.evm.contract,
          fn: "grantRole",
          args: () => [ZeroHash, state.addresses.timelock],
          done: () => hasRole(c.evm.contract, state.addresses[c.name], ZeroHash, state.addresses.timelock),
        }),
      );
    }
    for (const c of plan.components) {
      steps.push(
        callStep({
          id: `evm:${c.name}:renounce-admin`,
          describe: `${c.name}: deployer renounces ADMIN`,
          target: () => state.addresses[c.name],
          contract: c.evm.contract,
          fn: "renounceRole",
          args: () => [ZeroHash, t.deployer],
          done: async () => !(await hasRole(c.evm.contract, state.addresses[c.name], ZeroHash, t.deployer)),
        }),
      );
    }
    steps.push(...cancellerGrants);
    steps.push(
      callStep({
        id: "evm:timelock:renounce-default_admin",
        describe: "timelock: deployer renounces DEFAULT_ADMIN",
        target: () => state.addresses.timelock,
        contract: tlName,
        fn: "renounceRole",
        args: () => [ZeroHash, t.deployer],
        done: async () => !(await hasRole(tlName, state.addresses.timelock, ZeroHash, t.deployer)),
      }),
    );
  } else {
    steps.push(...timelockBatch(t, tlName, adminCalls, gov, opts.deployment, state));
    steps.push(...cancellerGrants);
    for (const [key, role] of Object.entries(TIMELOCK_ROLES)) {
      steps.push(
        callStep({
          id: `evm:timelock:renounce-${key.toLowerCase()}`,
          describe: `timelock: deployer renounces ${key}`,
          target: () => state.addresses.timelock,
          contract: tlName,
          fn: "renounceRole",
          args: () => [role, t.deployer],
          done: async () => !(await hasRole(tlName, state.addresses.timelock, role, t.deployer)),
        }),
      );
    }
  }
  return steps;
}

function big(_k: string, v: unknown) {
  return typeof v === "bigint" ? Number(v) : v;
}

/**
 * A link of the plan read back on the EVM: the check query's answer and the value it must
 * equal, both as lower-case JSON (deploy's "done" test and verify:deployment share it).
 */
export async function readEvmLink(
  chain: EvmChain,
  contract: string,
  address: string,
  l: { check: { fn: string; args?: unknown[]; equals: unknown } },
  ref: (v: unknown) => unknown,
): Promise<{ expected: string; actual: string }> {
  const got = await evmView(chain, contract, address, l.check.fn, (ref(l.check.args ?? []) as unknown[]) ?? []);
  return {
    expected: JSON.stringify(ref(l.check.equals), big).toLowerCase(),
    actual: JSON.stringify(got, big).toLowerCase(),
  };
}

/** The `initialize` arguments of a component's proxy. */
function initArgs(c: PlannedComponent, admin: string, state: EvmState): unknown[] {
  const values: Record<string, unknown> = { admin, params: "$params", ...state.addresses };
  return c.evm.init.map((a) => {
    if (a === "$params") {
      if (!c.paramsType) throw new ConfigError([`plan: ${c.name} uses $params but has no paramsType`]);
      return toEvmArg(c.component, c.paramsType, c.params);
    }
    return fillTemplate(a, values);
  });
}

/** Links, standard-wiring roles and guardian grants as admin calls. */
function wiringCalls(chain: EvmChain, plan: Plan, gov: GovernanceParams, state: EvmState): AdminCall[] {
  const calls: AdminCall[] = [];
  const ref = (v: unknown) => fillTemplate(v, state.addresses);
  for (const link of plan.links) {
    if (!link.evm) continue;
    const l = link.evm;
    const c = plan.components.find((x) => x.name === link.component)!;
    calls.push({
      id: `evm:${link.component}:link:${link.name}`,
      describe: `${link.component}.${l.fn}(${JSON.stringify(l.args)})`,
      target: () => state.addresses[link.component],
      contract: c.evm.contract,
      fn: l.fn,
      args: () => ref(l.args) as unknown[],
      done: async () => {
        const r = await readEvmLink(chain, c.evm.contract, state.addresses[link.component], l, ref);
        return r.actual === r.expected;
      },
    });
  }
  const grants: { component: string; role: string; to: () => string; label: string }[] = [
    ...plan.roles.map((r) => ({ component: r.component, role: r.role, to: () => ref(r.to) as string, label: r.to })),
  ];
  for (const c of plan.components) {
    if (!c.component.hasRole("GUARDIAN")) continue;
    gov.guardians.forEach((g, i) =>
      grants.push({ component: c.name, role: "GUARDIAN", to: () => g, label: `guardian#${i}` }),
    );
  }
  for (const c of plan.components) {
    if (!c.component.hasRole("EMERGENCY")) continue;
    emergencyHolders(gov).forEach((g, i) =>
      grants.push({ component: c.name, role: "EMERGENCY", to: () => g, label: `emergency#${i}` }),
    );
  }
  for (const g of grants) {
    const role = plan.spec.role(g.role).evmId;
    const contract = plan.components.find((x) => x.name === g.component)!.evm.contract;
    calls.push({
      id: `evm:${g.component}:grant:${g.role}:${g.label}`,
      describe: `${g.component}: grant ${g.role} to ${g.label}`,
      target: () => state.addresses[g.component],
      contract,
      fn: "grantRole",
      args: () => [role, g.to()],
      done: async () =>
        (await evmView(chain, contract, state.addresses[g.component], "hasRole", [role, g.to()])) as boolean,
    });
  }
  return calls;
}

/** Timelock mode: every admin call in one batch, scheduled, then executed after the delay. */
function timelockBatch(
  t: EvmEndpoint,
  tlName: string,
  calls: AdminCall[],
  gov: GovernanceParams,
  deployment: string,
  state: EvmState,
): Step[] {
  if (calls.length === 0) return [];
  const { chain } = t;
  const salt = keccak256(toUtf8Bytes(`vagus-deploy:${deployment}:wiring`));
  const batch = () => {
    const targets = calls.map((c) => c.target());
    return {
      targets,
      values: targets.map(() => 0n),
      payloads: calls.map((c) => chain.encodeCall(evmAt(chain, c.target(), c.contract), c.fn, c.args())),
    };
  };
  const view = (fn: string, args: unknown[]) => evmView(chain, tlName, state.addresses.timelock, fn, args);
  const opId = async () => {
    const b = batch();
    return (await view("hashOperationBatch", [b.targets, b.values, b.payloads, ZeroHash, salt])) as string;
  };
  const send = async (fn: "scheduleBatch" | "executeBatch", intent: StepData, hooks: { sent(): void }) => {
    const b = batch();
    const args =
      fn === "scheduleBatch"
        ? [b.targets, b.values, b.payloads, ZeroHash, salt, gov.minDelay]
        : [b.targets, b.values, b.payloads, ZeroHash, salt];
    const r = await chain.send({
      to: evmAt(chain, state.addresses.timelock, tlName),
      fn,
      args,
      from: t.deployer,
      nonce: intent.nonce as number,
      gasLimit: "estimate",
      returnValue: false,
    });
    hooks.sent();
    return { tx: r.hash, block: r.blockNumber, gasUsed: r.gasUsed.toString(), operation: await opId() };
  };
  /** Local chains mine on demand: a block makes block.timestamp follow the wall clock; a
   *  real chain refuses (it mines by itself), and the loop just polls. */
  const mine = async () => {
    try {
      await chain.mine();
    } catch (err) {
      if (!(err instanceof EvmChainError)) throw err;
    }
  };
  const describe = calls.map((c) => c.describe).join("; ");
  return [
    {
      id: "evm:timelock:schedule-wiring",
      stack: "evm",
      network: t.network,
      describe: `timelock: schedule ${calls.length} admin call(s) (${describe}) with delay ${gov.minDelay}s`,
      probeFirst: true,
      async intent() {
        return { nonce: await chain.nonce(t.deployer, "pending"), operation: await opId() };
      },
      async probe() {
        return (await view("isOperation", [await opId()])) ? { already: true, operation: await opId() } : undefined;
      },
      run: (intent, hooks) => send("scheduleBatch", intent, hooks),
    },
    {
      id: "evm:timelock:execute-wiring",
      stack: "evm",
      network: t.network,
      describe: `timelock: execute the wiring batch once ready`,
      probeFirst: true,
      async intent() {
        const id = await opId();
        // Wait out the delay (bounded): on a real chain the block time decides readiness.
        const deadline = Date.now() + (gov.minDelay + 120) * 1000;
        while (!((await view("isOperationReady", [id])) as boolean)) {
          if ((await view("isOperationDone", [id])) as boolean) break;
          if (Date.now() > deadline) throw new Error(`timelock operation ${id} not ready after ${gov.minDelay + 120}s`);
          await new Promise((r) => setTimeout(r, 1000));
          await mine();
        }
        return { nonce: await chain.nonce(t.deployer, "pending"), operation: id };
      },
      async probe() {
        return (await view("isOperationDone", [await opId()])) ? { already: true, operation: await opId() } : undefined;
      },
      run: (intent, hooks) => send("executeBatch", intent, hooks),
    },
  ];
}
