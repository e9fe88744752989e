import type { Spec } from "../spec";

/**
 * The standard wiring of spec/safety-core.md §0, as steps in spec terms (the runner
 * derives both stacks' calls from them like from any scenario step). A wire is applied
 * when every component it names is deployed; `grantRole` wires give a component's
 * address a role on another.
 */
export interface Wire {
  on: string;
  call: string;
  /** Values in the operation's argument order; a single struct argument takes `struct`. */
  values?: unknown[];
  struct?: Record<string, unknown>;
  needs: string[];
}

const ISSUER = "CapabilityIssuer";
const REFLEX = "ReflexArc";

export const STANDARD_WIRING: readonly Wire[] = [
  {
    on: ISSUER,
    call: "setLinks",
    struct: {
      ans: "@@ANSStateManager",
      inbox: "@@AfferentInbox",
      brake: "@@VagalBrake",
      breaker: "@@CircuitBreaker",
      rateLimiter: "@@RateLimiter",
    },
    needs: [ISSUER, "ANSStateManager", "AfferentInbox", "VagalBrake", "CircuitBreaker", "RateLimiter"],
  },
  { on: "ANSStateManager", call: "setReflexArc", values: [`@@${REFLEX}`], needs: ["ANSStateManager", REFLEX] },
  { on: "AfferentInbox", call: "setReflexArc", values: [`@@${REFLEX}`], needs: ["AfferentInbox", REFLEX] },
  { on: REFLEX, call: "setIssuer", values: [`@@${ISSUER}`], needs: [REFLEX, ISSUER] },
  { on: "RateLimiter", call: "grantRole", values: ["CONSUMER", `@@${ISSUER}`], needs: ["RateLimiter", ISSUER] },
  { on: "CircuitBreaker", call: "grantRole", values: ["CONSUMER", `@@${ISSUER}`], needs: ["CircuitBreaker", ISSUER] },
  { on: "CircuitBreaker", call: "grantRole", values: ["REPORTER", `@@${ISSUER}`], needs: ["CircuitBreaker", ISSUER] },
  { on: ISSUER, call: "grantRole", values: ["REVOKER", `@@${REFLEX}`], needs: [ISSUER, REFLEX] },
  { on: REFLEX, call: "grantRole", values: ["NOTIFIER", "@@ANSStateManager"], needs: [REFLEX, "ANSStateManager"] },
  { on: REFLEX, call: "grantRole", values: ["NOTIFIER", "@@AfferentInbox"], needs: [REFLEX, "AfferentInbox"] },
];

/** The wiring steps for a set of deployed components, as `{on, call, args}` by spec arg names. */
export function wiringSteps(
  spec: Spec,
  deployed: string[],
): { on: string; call: string; args: Record<string, unknown> }[] {
  const out: { on: string; call: string; args: Record<string, unknown> }[] = [];
  for (const w of STANDARD_WIRING) {
    if (!w.needs.every((n) => deployed.includes(n))) continue;
    const op = spec.component(w.on).operation(w.call);
    const args: Record<string, unknown> = {};
    if (w.struct) {
      if (op.args.length !== 1) throw new Error(`spec: ${w.on}.${w.call} should take one struct argument`);
      args[op.args[0].name] = w.struct;
    } else {
      (w.values ?? []).forEach((v, i) => {
        const a = op.args[i];
        if (!a) throw new Error(`spec: ${w.on}.${w.call} has fewer arguments than the wiring gives`);
        args[a.name] = v;
      });
    }
    out.push({ on: w.on, call: w.call, args });
  }
  return out;
}
