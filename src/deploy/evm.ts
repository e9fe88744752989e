import {
  Contract,
  ContractFactory,
  getCreateAddress,
  Interface,
  ZeroAddress,
  ZeroHash,
  keccak256,
  toUtf8Bytes,
  type InterfaceAbi,
  type Provider,
  type Signer,
  type TransactionResponse,
} from "ethers";

import { toEvmArg } from "../spec";
import type { GovernanceParams } from "../deployment/config";
import { ConfigError } from "../deployment/errors";
import { fillTemplate, type Plan, type PlannedComponent } from "../deployment/plan";
import type { Step, StepData } from "../procedure/steps";

/**
 * EVM steps of a deployment: the TimelockController, an implementation and an ERC-1967
 * proxy per component, wiring, guardian grants, and the handover of ADMIN to the timelock
 * (directly, or — timelock mode — every admin call scheduled and executed through it).
 * Works on any ethers v6 provider/signer: Hardhat's in-process network or JSON-RPC.
 */

export interface EvmArtifact {
  abi: InterfaceAbi;
  bytecode: string;
  deployedBytecode: string;
  /** Byte ranges of immutables in the runtime code (filled in at deployment, zero in the artifact). */
  immutables?: { start: number; length: number }[];
}

export interface EvmTarget {
  network: string;
  chainId: string;
  provider: Provider;
  signer: Signer;
  deployer: string;
  artifact(name: string): Promise<EvmArtifact>;
  /** Local chains only: mine a block so block.timestamp follows the wall clock. */
  mine?: () => Promise<void>;
}

export const TIMELOCK_ROLES = {
  DEFAULT_ADMIN: ZeroHash,
  PROPOSER: keccak256(toUtf8Bytes("PROPOSER_ROLE")),
  EXECUTOR: keccak256(toUtf8Bytes("EXECUTOR_ROLE")),
  CANCELLER: keccak256(toUtf8Bytes("CANCELLER_ROLE")),
} as const;

const ACCESS_ABI = [
  "function hasRole(bytes32 role, address account) view returns (bool)",
  "function grantRole(bytes32 role, address account)",
  "function renounceRole(bytes32 role, address callerConfirmation)",
];

export interface EvmState {
  /** Name → proxy address (and `timelock`). */
  addresses: Record<string, string>;
  implementations: Record<string, string>;
}

interface AdminCall {
  id: string;
  target: () => string;
  data: () => string;
  describe: string;
  /** True when the effect is already on chain. */
  done: () => Promise<boolean>;
}

function rec(network: string, name: string, record: Record<string, unknown>): StepData {
  return { name, network, record };
}

async function receiptOf(tx: TransactionResponse) {
  const r = await tx.wait();
  if (!r || r.status !== 1) throw new Error(`transaction ${tx.hash} reverted`);
  return r;
}

export function evmSteps(
  t: EvmTarget,
  plan: Plan,
  gov: GovernanceParams,
  opts: { deployment: string; timelockMode: boolean; state: EvmState },
): Step[] {
  const { state } = opts;
  const steps: Step[] = [];
  const N = t.network;

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
      const nonce = await t.provider.getTransactionCount(t.deployer, "pending");
      return {
        from: t.deployer,
        nonce,
        predicted: getCreateAddress({ from: t.deployer, nonce }),
        artifact: artifactName,
      };
    },
    async probe(intent) {
      const predicted = intent.predicted as string;
      const code = await t.provider.getCode(predicted);
      if (code === "0x") return undefined;
      const a = await t.artifact(artifactName);
      // Runtime code of this artifact (immutables aside) proves it is ours, not another tx's.
      if (code.length !== a.deployedBytecode.length) {
        throw new Error(
          `${predicted} holds code that is not ${artifactName}; the nonce was used by another transaction`,
        );
      }
      return { ...record(predicted), recovered: true };
    },
    async run(intent, hooks) {
      const a = await t.artifact(artifactName);
      const factory = new ContractFactory(a.abi, a.bytecode, t.signer);
      const tx = await t.signer.sendTransaction({
        ...(await factory.getDeployTransaction(...args())),
        nonce: intent.nonce as number,
      });
      hooks.sent();
      const r = await receiptOf(tx);
      if (r.contractAddress?.toLowerCase() !== (intent.predicted as string).toLowerCase()) {
        throw new Error(`deployed at ${r.contractAddress}, predicted ${String(intent.predicted)}`);
      }
      const out = record(r.contractAddress);
      (out.record as Record<string, unknown>).tx = tx.hash;
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
      const nonce = await t.provider.getTransactionCount(t.deployer, "pending");
      return { from: t.deployer, nonce, to: c.target(), calldata: c.data() };
    },
    async probe() {
      return (await c.done()) ? { already: true } : undefined;
    },
    async run(intent, hooks) {
      const tx = await t.signer.sendTransaction({
        to: intent.to as string,
        data: intent.calldata as string,
        nonce: intent.nonce as number,
      });
      hooks.sent();
      const r = await receiptOf(tx);
      return { tx: tx.hash, block: r.blockNumber, gasUsed: r.gasUsed.toString() };
    },
  });

  // --- timelock ---------------------------------------------------------------------
  const tlName = plan.timelock.evm.contract;
  const tlProposers = opts.timelockMode ? [t.deployer, ...gov.proposers] : gov.proposers;
  const tlExecutors = opts.timelockMode ? [t.deployer, ...gov.executors] : gov.executors;
  const tlAdmin = opts.timelockMode ? t.deployer : ZeroAddress;
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
        `deploy ERC1967Proxy for ${c.name}, initialize(admin ${opts.timelockMode ? "timelock" : "deployer"}, ${JSON.stringify(c.params, big)})`,
        "ERC1967Proxy",
        () => [state.implementations[c.name], initData(t, c, initialAdmin(), state)],
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
  const adminCalls = wiringCalls(t, plan, gov, state);
  if (!opts.timelockMode) {
    for (const call of adminCalls) steps.push(callStep(call));
    for (const c of plan.components) {
      const access = () => new Contract(state.addresses[c.name], ACCESS_ABI, t.provider);
      steps.push(
        callStep({
          id: `evm:${c.name}:grant-admin-timelock`,
          describe: `${c.name}: grant ADMIN to the timelock`,
          target: () => state.addresses[c.name],
          data: () => new Interface(ACCESS_ABI).encodeFunctionData("grantRole", [ZeroHash, state.addresses.timelock]),
          done: async () => (await access().hasRole(ZeroHash, state.addresses.timelock)) as boolean,
        }),
      );
    }
    for (const c of plan.components) {
      const access = () => new Contract(state.addresses[c.name], ACCESS_ABI, t.provider);
      steps.push(
        callStep({
          id: `evm:${c.name}:renounce-admin`,
          describe: `${c.name}: deployer renounces ADMIN`,
          target: () => state.addresses[c.name],
          data: () => new Interface(ACCESS_ABI).encodeFunctionData("renounceRole", [ZeroHash, t.deployer]),
          done: async () => !((await access().hasRole(ZeroHash, t.deployer)) as boolean),
        }),
      );
    }
  } else {
    steps.push(...timelockBatch(t, adminCalls, gov, opts.deployment, state));
    for (const [key, role] of Object.entries(TIMELOCK_ROLES)) {
      const tl = () => new Contract(state.addresses.timelock, ACCESS_ABI, t.provider);
      steps.push(
        callStep({
          id: `evm:timelock:renounce-${key.toLowerCase()}`,
          describe: `timelock: deployer renounces ${key}`,
          target: () => state.addresses.timelock,
          data: () => new Interface(ACCESS_ABI).encodeFunctionData("renounceRole", [role, t.deployer]),
          done: async () => !((await tl().hasRole(role, t.deployer)) as boolean),
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
  provider: Provider,
  abi: InterfaceAbi | Interface,
  address: string,
  l: { check: { fn: string; args?: unknown[]; equals: unknown } },
  ref: (v: unknown) => unknown,
): Promise<{ expected: string; actual: string }> {
  const ct = new Contract(address, abi, provider);
  const got: unknown = await ct.getFunction(l.check.fn).staticCall(...((ref(l.check.args ?? []) as unknown[]) ?? []));
  return {
    expected: JSON.stringify(ref(l.check.equals), big).toLowerCase(),
    actual: JSON.stringify(got, big).toLowerCase(),
  };
}

function initData(t: EvmTarget, c: PlannedComponent, admin: string, state: EvmState): string {
  const values: Record<string, unknown> = { admin, params: "$params", ...state.addresses };
  const args = c.evm.init.map((a) => {
    if (a === "$params") {
      if (!c.paramsType) throw new ConfigError([`plan: ${c.name} uses $params but has no paramsType`]);
      return toEvmArg(c.component, c.paramsType, jsonOf(c.params));
    }
    return fillTemplate(a, values);
  });
  // The ABI comes from the artifact at run time; encoding here needs it synchronously, so
  // the caller's artifact cache is used through the interface built in wiring (below).
  return encodeInitialize(c.evm.contract, args);
}

const abiCache = new Map<string, Interface>();

/** Registers the ABI of a contract so initialize calldata can be encoded. */
export function registerAbi(name: string, abi: InterfaceAbi): void {
  abiCache.set(name, new Interface(abi));
}

function encodeInitialize(name: string, args: unknown[]): string {
  const iface = abiCache.get(name);
  if (!iface) throw new Error(`no ABI registered for ${name}`);
  return iface.encodeFunctionData("initialize", args);
}

/** Canonical → the JSON conventions toEvmArg reads (bigint → decimal string). */
function jsonOf(v: unknown): unknown {
  if (typeof v === "bigint") return v.toString();
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonOf(x)]));
  return v;
}

/** Links, standard-wiring roles and guardian grants as admin calls. */
function wiringCalls(t: EvmTarget, plan: Plan, gov: GovernanceParams, state: EvmState): AdminCall[] {
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
      data: () => abiCache.get(c.evm.contract)!.encodeFunctionData(l.fn, ref(l.args) as unknown[]),
      done: async () => {
        const r = await readEvmLink(t.provider, abiCache.get(c.evm.contract)!, state.addresses[link.component], l, ref);
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
  for (const g of grants) {
    const role = plan.spec.role(g.role).evmId;
    calls.push({
      id: `evm:${g.component}:grant:${g.role}:${g.label}`,
      describe: `${g.component}: grant ${g.role} to ${g.label}`,
      target: () => state.addresses[g.component],
      data: () => new Interface(ACCESS_ABI).encodeFunctionData("grantRole", [role, g.to()]),
      done: async () =>
        (await new Contract(state.addresses[g.component], ACCESS_ABI, t.provider).hasRole(role, g.to())) as boolean,
    });
  }
  return calls;
}

const TIMELOCK_ABI = [
  "function scheduleBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt, uint256 delay)",
  "function executeBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) payable",
  "function hashOperationBatch(address[] targets, uint256[] values, bytes[] payloads, bytes32 predecessor, bytes32 salt) view returns (bytes32)",
  "function isOperation(bytes32 id) view returns (bool)",
  "function isOperationReady(bytes32 id) view returns (bool)",
  "function isOperationDone(bytes32 id) view returns (bool)",
  "function getMinDelay() view returns (uint256)",
];

/** Timelock mode: every admin call in one batch, scheduled, then executed after the delay. */
function timelockBatch(
  t: EvmTarget,
  calls: AdminCall[],
  gov: GovernanceParams,
  deployment: string,
  state: EvmState,
): Step[] {
  if (calls.length === 0) return [];
  const salt = keccak256(toUtf8Bytes(`vagus-deploy:${deployment}:wiring`));
  const batch = () => {
    const targets = calls.map((c) => c.target());
    return { targets, values: targets.map(() => 0n), payloads: calls.map((c) => c.data()) };
  };
  const tl = () => new Contract(state.addresses.timelock, TIMELOCK_ABI, t.signer);
  const opId = async () => {
    const b = batch();
    return (await tl().hashOperationBatch(b.targets, b.values, b.payloads, ZeroHash, salt)) as string;
  };
  const send = async (fn: "scheduleBatch" | "executeBatch", intent: StepData, hooks: { sent(): void }) => {
    const b = batch();
    const args =
      fn === "scheduleBatch"
        ? [b.targets, b.values, b.payloads, ZeroHash, salt, gov.minDelay]
        : [b.targets, b.values, b.payloads, ZeroHash, salt];
    const data = new Interface(TIMELOCK_ABI).encodeFunctionData(fn, args);
    const tx = await t.signer.sendTransaction({ to: state.addresses.timelock, data, nonce: intent.nonce as number });
    hooks.sent();
    const r = await receiptOf(tx);
    return { tx: tx.hash, block: r.blockNumber, gasUsed: r.gasUsed.toString(), operation: await opId() };
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
        return { nonce: await t.provider.getTransactionCount(t.deployer, "pending"), operation: await opId() };
      },
      async probe() {
        return (await tl().isOperation(await opId())) ? { already: true, operation: await opId() } : undefined;
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
        while (!((await tl().isOperationReady(id)) as boolean)) {
          if ((await tl().isOperationDone(id)) as boolean) break;
          if (Date.now() > deadline) throw new Error(`timelock operation ${id} not ready after ${gov.minDelay + 120}s`);
          await new Promise((r) => setTimeout(r, 1000));
          await t.mine?.();
        }
        return { nonce: await t.provider.getTransactionCount(t.deployer, "pending"), operation: id };
      },
      async probe() {
        return (await tl().isOperationDone(await opId())) ? { already: true, operation: await opId() } : undefined;
      },
      run: (intent, hooks) => send("executeBatch", intent, hooks),
    },
  ];
}
