import { expect } from "chai";
import { ethers } from "hardhat";
import type { BaseContract, Interface, ParamType } from "ethers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";

import { loadSpec, revertDataOf } from "../../src/spec";
import { snapshot } from "../helpers/chain";
import { deployCore, type Actors, type Core } from "../helpers/safety";

/**
 * Invariant 4 (spec/safety-core.md §6): every privileged operation succeeds only for its
 * role. The operations and their roles come from spec/*.json (every execute of the seven
 * components, frame operations included); each is called by every account of the deployed
 * system, and every account that does not hold the role must get `Unauthorized` (1001)
 * naming itself and that role. Holders must get past the role check (any other outcome).
 */
const spec = loadSpec();

/** Roles each actor holds per component after deployCore (admin holds ADMIN everywhere). */
const HELD: Record<string, Partial<Record<keyof Actors, string[]>>> = {
  RateLimiter: { guardian: ["GUARDIAN"] },
  CircuitBreaker: { guardian: ["GUARDIAN"] },
  ANSStateManager: { guardian: ["GUARDIAN"], oracle: ["ORACLE"] },
  AfferentInbox: { guardian: ["GUARDIAN"], attestor: ["ATTESTOR"] },
  VagalBrake: { guardian: ["GUARDIAN"] },
  CapabilityIssuer: { guardian: ["GUARDIAN"], planner: ["PLANNER"], revoker: ["REVOKER"], reporter: ["REPORTER"] },
  ReflexArc: { guardian: ["GUARDIAN"] },
};

/** An ABI-encodable placeholder for a parameter: the role check runs before anything reads it. */
function placeholder(p: ParamType): unknown {
  if (p.baseType === "array") return [];
  if (p.baseType === "tuple") return (p.components ?? []).map(placeholder);
  if (p.type.startsWith("uint") || p.type.startsWith("int")) return 1n;
  if (p.type === "bytes32") return ethers.id("placeholder");
  if (p.type === "address") return "0x000000000000000000000000000000000000dEaD";
  if (p.type === "bool") return true;
  if (p.type === "string") return "placeholder";
  if (p.type === "bytes") return "0x";
  throw new Error(`no placeholder for ${p.type}`);
}

describe("safety core: every privileged operation succeeds only for its role (§6 invariant 4)", () => {
  let core: Core;
  let base: { restore(): Promise<void> };

  before(async () => {
    core = await deployCore();
    base = await snapshot();
  });

  after(async () => {
    await base.restore();
  });

  function contractOf(component: string): BaseContract & { interface: Interface } {
    const map: Record<string, BaseContract> = {
      RateLimiter: core.rateLimiter,
      CircuitBreaker: core.breaker,
      ANSStateManager: core.ans,
      AfferentInbox: core.inbox,
      VagalBrake: core.brake,
      CapabilityIssuer: core.issuer,
      ReflexArc: core.reflex,
    };
    return map[component];
  }

  it("covers the seven components of the spec", () => {
    expect([...spec.components.keys()].sort()).to.deep.equal(Object.keys(HELD).sort());
  });

  for (const c of spec.components.values()) {
    it(`${c.name}: each execute with a role, from every account`, async () => {
      const contract = contractOf(c.name);
      const actors = Object.entries(core.actors) as [keyof Actors, HardhatEthersSigner][];
      let checked = 0;
      for (const op of c.operations.filter((o) => o.kind === "execute" && o.role)) {
        const role = spec.role(op.role as string);
        const fragment = contract.interface.getFunction(op.name);
        if (!fragment) expect.fail(`${c.name}.${op.name}: not in the ABI`);
        const args = fragment.inputs.map(placeholder);
        for (const [name, signer] of actors) {
          const heldKeys = [...(HELD[c.name][name] ?? []), ...(name === "admin" ? ["ADMIN"] : [])];
          const holds = heldKeys.includes(role.key) || (op.alsoRole !== undefined && heldKeys.includes(op.alsoRole));
          const call = contract
            .connect(signer)
            .getFunction(op.name)
            .staticCall(...args);
          if (!holds) {
            await expect(call, `${c.name}.${op.name} from ${name}`)
              .to.be.revertedWithCustomError(contract, "AccessControlUnauthorizedAccount")
              // An operation a second role may call names that role (the lower one) in the revert.
              .withArgs(signer.address, op.alsoRole !== undefined ? spec.role(op.alsoRole).evmId : role.evmId);
            checked += 1;
          } else {
            const err = await call.then(
              () => undefined,
              (e: unknown) => e,
            );
            const data = err === undefined ? undefined : revertDataOf(err);
            const parsed = data && data.length >= 10 ? contract.interface.parseError(data) : null;
            expect(parsed?.name, `${c.name}.${op.name} from ${name} (holds ${role.key})`).to.not.equal(
              "AccessControlUnauthorizedAccount",
            );
          }
        }
      }
      expect(checked).to.be.greaterThan(0);
    });
  }
});
