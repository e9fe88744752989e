import type { Journal, JournalEntry } from "../deployment/journal";
import type { Step, StepData } from "./steps";

/**
 * The one runner of every procedure (deploy, and the governance, rollback, pause, …
 * commands): a procedure is a list of steps (`./steps.ts`); the runner journals each
 * (intent before acting, outcome after), prints `[i/n] step-id: …`, resumes a run that
 * died (finished steps are skipped, a step sent but not recorded is looked for on chain
 * before anything is resent), and dry-runs (lists the steps and which are done, touches
 * nothing). The journal's format is docs/decisions/0016.
 */

export type StepStatus = "done" | "ran" | "recovered" | "skipped";

export interface StepOutcome {
  id: string;
  status: StepStatus;
  gasUsed?: string;
  ms: number;
}

export interface ProcedureRun {
  /** The procedure's name (`deploy`, `pause`, …), recorded in its begin entry. */
  procedure: string;
  journal: Journal;
  steps: Step[];
  /** The run id to start when none is open (a resumed run keeps its own). */
  newRun: () => string;
  /** Start a new run even when one is open (`VAGUS_DEPLOY_NEW=1`). */
  forceNew?: boolean;
  /** The run as `runIdOf` chose it, when the caller needed it first (to print it). */
  start?: { run: string; open: JournalEntry | undefined };
  /** What the begin entry records (chains, accounts, parameters: never a key). */
  begin?: Record<string, unknown>;
  /** Called with a resumed run's begin entry before anything runs: throw to refuse. */
  checkResume?: (begin: JournalEntry) => Promise<void>;
  /** List the steps and which are done; no journal entry, nothing sent. */
  dryRun?: boolean;
  log?: (line: string) => void;
  /** Applies each outcome (done earlier, recovered, skipped, ran) to the state later steps read. */
  apply?: (data: StepData) => void;
  /** After each new outcome was journaled (derive address books, …). */
  afterStep?: () => void;
  /** After the last step, before `complete` is journaled; returns the complete entry's data. */
  finish?: () => Promise<Record<string, unknown>> | Record<string, unknown>;
  /** The error a failed step is reported as (the step's own is kept as its cause). */
  stepError?: (err: Error, step: Step) => Error;
  /** Errors thrown as they are, without a `failed` entry (configuration problems). */
  passThrough?: (err: unknown) => boolean;
  /** Test hook: the step after whose send the process is SIGKILLed. */
  crashAt?: string;
}

export interface ProcedureSummary {
  run: string;
  resumed: boolean;
  steps: StepOutcome[];
  ms: number;
}

/** The run id a procedure resumes or starts, and whether it resumes. */
export function runIdOf(p: Pick<ProcedureRun, "procedure" | "journal" | "newRun" | "forceNew">): {
  run: string;
  open: JournalEntry | undefined;
} {
  const open = p.forceNew ? undefined : p.journal.openRun(p.procedure);
  return { run: open?.deployment ?? p.newRun(), open };
}

function gasOf(d: StepData): string {
  const tx = typeof d.tx === "string" ? ` tx ${d.tx},` : "";
  return typeof d.gasUsed === "string" || typeof d.gasUsed === "number" ? `${tx} gas ${d.gasUsed}` : tx;
}

function addressOf(d: StepData): string {
  const r = (d as { record?: { address?: string; implementation?: string; codeId?: number } }).record;
  if (!r) return "";
  if (r.address) return ` → ${r.address}`;
  if (r.implementation) return ` → ${r.implementation}`;
  if (r.codeId !== undefined) return ` → code ${r.codeId}`;
  return "";
}

/** Runs (or resumes, or dry-runs) a procedure's steps; see the file comment. */
export async function runProcedure(p: ProcedureRun): Promise<ProcedureSummary> {
  const log = p.log ?? ((l: string) => console.log(l));
  const t0 = Date.now();
  const { run, open } = p.start ?? runIdOf(p);
  const { journal, steps } = p;

  if (p.dryRun) {
    steps.forEach((s, i) => {
      const done = journal.outcome(run, s.id);
      log(`  [${i + 1}/${steps.length}] ${s.id}: ${s.describe}${done ? " (done)" : ""}`);
    });
    return { run, resumed: Boolean(open), steps: [], ms: Date.now() - t0 };
  }

  if (open) await p.checkResume?.(open);
  else journal.append({ deployment: run, phase: "begin", data: { procedure: p.procedure, ...p.begin } });

  const outcomes: StepOutcome[] = [];
  let i = 0;
  for (const step of steps) {
    i++;
    const head = `[${i}/${steps.length}] ${step.id}`;
    const ts = Date.now();
    const done = journal.outcome(run, step.id);
    if (done) {
      if (done.data) p.apply?.(done.data);
      log(`${head}: done earlier`);
      outcomes.push({ id: step.id, status: "done", ms: 0 });
      continue;
    }
    try {
      const pending = journal.pendingIntent(run, step.id);
      let found: StepData | undefined;
      if (pending) {
        log(`${head}: an earlier run sent this and died; looking for it on chain`);
        found = await step.probe(pending.data ?? {});
      } else if (step.probeFirst) {
        found = await step.probe({});
      }
      if (found) {
        const status = pending ? "recovered" : "skipped";
        journal.append({ deployment: run, phase: status, step: step.id, network: step.network, data: found });
        p.apply?.(found);
        log(`${head}: ${pending ? "found on chain, recorded" : "already on chain, skipped"}${addressOf(found)}`);
        outcomes.push({ id: step.id, status, ms: Date.now() - ts });
        p.afterStep?.();
        continue;
      }
      log(`${head}: ${step.describe}`);
      const intent = await step.intent();
      journal.append({ deployment: run, phase: "intent", step: step.id, network: step.network, data: intent });
      const result = await step.run(intent, {
        sent: () => {
          if (p.crashAt === step.id) {
            log(`${head}: crash hook at ${step.id}: SIGKILL after sending (test hook)`);
            process.kill(process.pid, "SIGKILL");
          }
        },
      });
      journal.append({ deployment: run, phase: "result", step: step.id, network: step.network, data: result });
      p.apply?.(result);
      log(`${head}: ok${addressOf(result)}${gasOf(result)} (${((Date.now() - ts) / 1000).toFixed(1)} s)`);
      outcomes.push({
        id: step.id,
        status: "ran",
        gasUsed:
          typeof result.gasUsed === "string" || typeof result.gasUsed === "number" ? String(result.gasUsed) : undefined,
        ms: Date.now() - ts,
      });
      p.afterStep?.();
    } catch (err) {
      if (p.passThrough?.(err)) throw err;
      journal.append({
        deployment: run,
        phase: "failed",
        step: step.id,
        network: step.network,
        data: { error: (err as Error).message.slice(0, 2000) },
      });
      throw p.stepError ? p.stepError(err as Error, step) : err;
    }
  }
  const data = (await p.finish?.()) ?? {};
  const ms = Date.now() - t0;
  journal.append({ deployment: run, phase: "complete", data: { ms, ...data } });
  return { run, resumed: Boolean(open), steps: outcomes, ms };
}
