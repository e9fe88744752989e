import { ethers } from "hardhat";

import { deploySystem, grant } from "../../test/helpers/system";
import { measure, mined, setNextTimestamp, type GasRow } from "./measure";

/**
 * Gas of the safety core (issue 3 item 10) on the wired seven-contract system behind proxies:
 * issue (SAFE and DANGER, first and steady state), tone update (no change, transition),
 * AEP post, revoke one, revoke all (1, 10, 100, 1,000 tokens), reflex trigger. Each row is
 * one transaction in its own block (every storage slot starts cold, as on a real chain).
 * "Steady state" is a repeat on the same executor and action in the same second, so the
 * rate limiter's bucket and every counter word already hold non-zero values.
 */
export async function benchSafetyCore(t0: number): Promise<GasRow[]> {
  const signers = await ethers.getSigners();
  const [admin, guardian, oracle, attestor, planner, revoker, , account] = signers;
  const s = await deploySystem({ admin, rateLimiter: { capacity: 1_000_000, window: 60, buckets: 6 } });
  for (const c of [s.ans, s.inbox, s.brake, s.issuer, s.reflex, s.breaker, s.rateLimiter]) {
    await grant(s, c, "GUARDIAN", guardian.address);
  }
  await grant(s, s.ans, "ORACLE", oracle.address);
  await grant(s, s.inbox, "ATTESTOR", attestor.address);
  await grant(s, s.issuer, "PLANNER", planner.address);
  await grant(s, s.issuer, "REVOKER", revoker.address);

  const rows: GasRow[] = [];
  const A = ethers.id("bench-weld");
  const ROOT = ethers.id("bench-root");
  const schema = [
    { name: "tool", brakeable: false, cap: 9n },
    { name: "force", brakeable: true, cap: 800n },
    { name: "speed", brakeable: true, cap: 1_000n },
  ];
  const metrics = (sequence: number) => ({
    sequence: BigInt(sequence),
    riskPpm: 100_000n,
    forceMilliN: 1_000n,
    velocityMilliMps: 10n,
    temperatureMilliC: 20_000n,
  });
  await mined(s.brake.connect(admin).setActionSchema(A, schema));
  const nonces = new Map<bigint, number>();
  const intent = (executorId: bigint, t: number) => {
    const nonce = (nonces.get(executorId) ?? 0) + 1;
    nonces.set(executorId, nonce);
    return {
      executorId,
      actionId: A,
      nonce: BigInt(nonce),
      notBefore: BigInt(t),
      notAfter: BigInt(t + 3600),
      ttl: 3600n,
      preStateRoot: ROOT,
      params: [2n, 700n, 900n],
    };
  };
  const register = async (executorId: bigint, seq = 1) => {
    await mined(s.issuer.connect(admin).registerExecutor(executorId, account.address));
    await mined(s.inbox.connect(attestor).postEvidence(executorId, ROOT, metrics(seq)));
  };
  const I = "CapabilityIssuer";
  const at = async <T>(t: number, f: () => Promise<T>) => {
    await setNextTimestamp(t);
    return f();
  };

  // ── issue, SAFE ──
  let t = t0;
  await setNextTimestamp(t);
  await register(1n);
  await at(t + 1, () =>
    measure(
      rows,
      I,
      "issue",
      "SAFE, first token of the executor and action (new slots)",
      s.issuer.connect(planner).issue(intent(1n, t)),
    ),
  );
  await at(t + 1, () =>
    measure(
      rows,
      I,
      "issue",
      "SAFE, steady state (every guard, token minted)",
      s.issuer.connect(planner).issue(intent(1n, t)),
    ),
  );
  await at(t + 1, () =>
    measure(
      rows,
      I,
      "issue",
      "denied: StateRootMismatch (step 5)",
      s.issuer.connect(planner).issue({ ...intent(1n, t), preStateRoot: ethers.id("x") }),
    ),
  );

  // ── tone updates (executor 2) ──
  t += 10;
  await setNextTimestamp(t);
  await register(2n);
  await at(t, () =>
    measure(
      rows,
      "ANSStateManager",
      "updateTone",
      "first reading of an executor, no transition",
      s.ans.connect(oracle).updateTone(2n, 100_000),
    ),
  );
  await at(t, () =>
    measure(
      rows,
      "ANSStateManager",
      "updateTone",
      "no transition (steady state)",
      s.ans.connect(oracle).updateTone(2n, 100_000),
    ),
  );
  await at(t, () =>
    measure(
      rows,
      "ANSStateManager",
      "updateTone",
      "no transition, streak grows (DANGER 1 of 2)",
      s.ans.connect(oracle).updateTone(2n, 650_000),
    ),
  );
  await at(t, () =>
    measure(
      rows,
      "ANSStateManager",
      "updateTone",
      "transition SAFE → DANGER + reflex fires (revokeAll)",
      s.ans.connect(oracle).updateTone(2n, 650_000),
    ),
  );

  // ── issue, DANGER (executor 2 is in DANGER now) ──
  await at(t + 1, () =>
    measure(
      rows,
      I,
      "issue",
      "DANGER, first token of the executor (new slots)",
      s.issuer.connect(planner).issue(intent(2n, t)),
    ),
  );
  await at(t + 1, () =>
    measure(rows, I, "issue", "DANGER, steady state (scaled limits)", s.issuer.connect(planner).issue(intent(2n, t))),
  );

  // ── tone transition without a reflex arc, on executor 3 ──
  t += 10;
  await setNextTimestamp(t);
  await mined(s.ans.connect(admin).setReflexArc(ethers.ZeroAddress));
  await at(t, () =>
    s.ans
      .connect(oracle)
      .updateTone(3n, 650_000)
      .then((x) => x.wait()),
  );
  await at(t, () =>
    measure(
      rows,
      "ANSStateManager",
      "updateTone",
      "transition SAFE → DANGER, no reflex arc linked",
      s.ans.connect(oracle).updateTone(3n, 650_000),
    ),
  );
  await mined(s.ans.connect(admin).setReflexArc(s.addresses.reflex));

  // ── AEP post ──
  t += 10;
  await at(t, () =>
    measure(
      rows,
      "AfferentInbox",
      "postEvidence",
      "first evidence of an executor (new slots), reflex arc linked",
      s.inbox.connect(attestor).postEvidence(10n, ROOT, metrics(1)),
    ),
  );
  await at(t, () =>
    measure(
      rows,
      "AfferentInbox",
      "postEvidence",
      "steady state, reflex arc linked (calm metrics)",
      s.inbox.connect(attestor).postEvidence(10n, ROOT, metrics(2)),
    ),
  );
  await mined(s.inbox.connect(admin).setReflexArc(ethers.ZeroAddress));
  await at(t, () =>
    measure(
      rows,
      "AfferentInbox",
      "postEvidence",
      "steady state, no reflex arc linked",
      s.inbox.connect(attestor).postEvidence(10n, ROOT, metrics(3)),
    ),
  );
  await mined(s.inbox.connect(admin).setReflexArc(s.addresses.reflex));

  // ── revoke one ──
  await at(t + 1, () =>
    measure(rows, I, "revoke", "one token", s.issuer.connect(revoker).revoke(1n, "bench: revoke one")),
  );

  // ── revokeAll with 1, 10, 100, 1,000 tokens (executor 4) ──
  t += 10;
  await setNextTimestamp(t);
  await register(4n);
  let minted = 0;
  for (const n of [1, 10, 100, 1000]) {
    while (minted < n) {
      await at(t, () =>
        s.issuer
          .connect(planner)
          .issue(intent(4n, t))
          .then((x) => x.wait()),
      );
      minted += 1;
    }
    await at(t, () =>
      measure(
        rows,
        I,
        "revokeAll",
        `${n.toLocaleString("en-US")} valid token(s) of the executor`,
        s.issuer.connect(revoker).revokeAll(4n, "bench: revoke all"),
      ),
    );
  }

  // ── reflex trigger ──
  t += 400;
  await at(t, () =>
    measure(
      rows,
      "ReflexArc",
      "trigger",
      "guardian, MANUAL → issuer.revokeAll",
      s.reflex.connect(guardian).trigger(4n, "bench: manual reflex"),
    ),
  );
  await at(t + 1, () =>
    measure(
      rows,
      "AfferentInbox",
      "postEvidence",
      "evidence past a threshold: reflex fires (EVIDENCE → revokeAll)",
      s.inbox.connect(attestor).postEvidence(10n, ROOT, { ...metrics(4), riskPpm: 900_000n }),
    ),
  );
  await at(t + 2, () =>
    measure(
      rows,
      "AfferentInbox",
      "postEvidence",
      "evidence past a threshold within the cooldown: suppressed",
      s.inbox.connect(attestor).postEvidence(10n, ROOT, { ...metrics(5), riskPpm: 900_000n }),
    ),
  );
  return rows;
}
