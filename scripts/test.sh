#!/usr/bin/env bash
# `npm test`: every check of both stacks, in the order that fails fastest.
# Each stage prints a header and an ok/FAILED line with its seconds; the last line is a
# plain "stages: N passed, N failed" count. Stop after the first failing stage (or group
# of stages run side by side) unless VAGUS_TEST_KEEP_GOING=1.
#
# VAGUS_TEST_SERIAL=0 runs the stages of every group side by side (each one's output goes to
# a log, printed whole under its header when the group ends); =1 runs every stage one at a
# time with live output. Default (unset): only the two halves of the equivalence stage run
# side by side — each half alternates between node and the engine process, so together they
# fill the 2 cores (221 s against 270 s one after the other); "lint + ts tests" side by side
# took 268 s against 170 s one after the other, so those stay one at a time
# (docs/decisions/0058).
#
# Writes reports/test-times.json (each stage's seconds, the total, the date, the machine)
# for BENCHMARKS.md (`npm run bench:record`), and a copy in $VAGUS_CACHE_DIR/reports/.
set -uo pipefail
cd "$(dirname "$0")/.."

passed=0
failed=0
failed_names=()
keep_going="${VAGUS_TEST_KEEP_GOING:-0}"
serial="${VAGUS_TEST_SERIAL:-auto}"
T0=$SECONDS
LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
LOGS=$(mktemp -d)
trap 'rm -rf "$LOGS"' EXIT
# One "key<TAB>seconds<TAB>ok|failed<TAB>group<TAB>name" line per stage.
TIMES="$LOGS/times.tsv"
: >"$TIMES"

record() { # key name seconds status group
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$3" "$4" "$5" "$2" >>"$TIMES"
  if [ "$4" = ok ]; then
    passed=$((passed + 1))
    printf -- '--- %s: ok (%ss)\n' "$2" "$3"
  else
    failed=$((failed + 1))
    failed_names+=("$2")
    printf -- '--- %s: FAILED (%ss)\n' "$2" "$3"
  fi
}

# stage <key> <name> <command...>: one stage on its own, live output.
stage() {
  local key="$1" name="$2"; shift 2
  printf '\n=== %s ===\n' "$name"
  local start=$SECONDS status=ok
  "$@" || status=failed
  record "$key" "$name" "$((SECONDS - start))" "$status" ""
  [ "$status" = ok ] || [ "$keep_going" = "1" ] || finish
}

# group <label> <key> <name> <command> [<key> <name> <command>]...: the stages side by side;
# commands are single strings run by bash. With VAGUS_TEST_SERIAL=1, one after the other.
group() { # [--side-by-side] label key name cmd [key name cmd ...]
  local by_default=0
  if [ "$1" = "--side-by-side" ]; then by_default=1; shift; fi
  local label="$1"; shift
  local keys=() names=() cmds=() pids=() starts=() i
  while [ "$#" -ge 3 ]; do keys+=("$1"); names+=("$2"); cmds+=("$3"); shift 3; done
  if [ "$serial" = "1" ] || { [ "$serial" = "auto" ] && [ "$by_default" = "0" ]; }; then
    for i in "${!keys[@]}"; do stage "${keys[$i]}" "${names[$i]}" bash -c "${cmds[$i]}"; done
    return
  fi
  printf '\n=== running side by side: %s ===\n' "$(IFS='|'; echo "${names[*]}" | sed 's/|/ + /g')"
  for i in "${!keys[@]}"; do
    (
      s=$SECONDS
      bash -c "${cmds[$i]}" >"$LOGS/${keys[$i]}.log" 2>&1
      rc=$?
      echo "$rc $((SECONDS - s))" >"$LOGS/${keys[$i]}.rc"
    ) &
    pids+=($!)
  done
  for i in "${!pids[@]}"; do wait "${pids[$i]}"; done
  local any_failed=0 rc secs
  for i in "${!keys[@]}"; do
    read -r rc secs <"$LOGS/${keys[$i]}.rc"
    printf '\n=== %s === (ran beside the rest of: %s)\n' "${names[$i]}" "$label"
    cat "$LOGS/${keys[$i]}.log"
    if [ "$rc" -eq 0 ]; then record "${keys[$i]}" "${names[$i]}" "$secs" ok "$label"; else
      record "${keys[$i]}" "${names[$i]}" "$secs" failed "$label"; any_failed=1
    fi
  done
  [ "$any_failed" -eq 0 ] || [ "$keep_going" = "1" ] || finish
}

write_times() {
  mkdir -p reports
  TOTAL="$TOTAL" LOAD_START="$LOAD_START" SERIAL="$serial" node -e '
    const fs = require("node:fs"), os = require("node:os");
    const stages = fs.readFileSync(process.argv[1], "utf8").split("\n").filter(Boolean).map((l) => {
      const [key, seconds, status, group, name] = l.split("\t");
      return { key, name, seconds: Number(seconds), ok: status === "ok", ...(group ? { group } : {}) };
    });
    const report = {
      date: new Date().toISOString(),
      machine: { nproc: os.cpus().length, cpu: os.cpus()[0]?.model ?? "unknown",
        loadavgStart: process.env.LOAD_START.split(" ").map(Number), loadavgEnd: os.loadavg() },
      sideBySide: process.env.SERIAL !== "1",
      totalSeconds: Number(process.env.TOTAL),
      passed: stages.every((s) => s.ok),
      stages,
    };
    const out = "reports/test-times.json";
    fs.writeFileSync(out + ".tmp", JSON.stringify(report, null, 2) + "\n");
    fs.renameSync(out + ".tmp", out);
  ' "$TIMES" || echo "(could not write reports/test-times.json)"
  # CI's clone is thrown away; the cache dir is not.
  if [ -n "${VAGUS_CACHE_DIR:-}" ] && [ -f reports/test-times.json ]; then
    mkdir -p "$VAGUS_CACHE_DIR/reports" && cp reports/test-times.json "$VAGUS_CACHE_DIR/reports/test-times.json"
  fi
}

finish() {
  TOTAL=$((SECONDS - T0))
  write_times
  echo
  echo "total: ${TOTAL}s"
  if [ "$failed" -gt 0 ]; then echo "failed stages: ${failed_names[*]}"; fi
  echo "stages: $passed passed, $failed failed"
  [ "$failed" -eq 0 ]
  exit $?
}

stage vectors "spec vectors are well-formed" node scripts/check-vectors.mjs
stage build "build (solidity, typechain, wasm, schemas, engine)" env VAGUS_BUILD_ONE_BUILD_INFO=1 npm run --silent build
stage generated "generated files are committed and current" bash scripts/check-generated.sh
# The build just compiled: neither stage below compiles again, so they never write
# Hardhat's files cache at the same time (VAGUS_TEST_BUILT: scripts/ensure-types.sh;
# --no-compile: hardhat test). Lint's cargo clippy is the only cargo user of the pair.
export VAGUS_TEST_BUILT=1
group "lint + ts tests" \
  lint "lint and format" "npm run --silent lint" \
  evm "ts tests (hardhat: evm unit, drift, vectors, cbor, engine client)" "npm run --silent test:evm -- --no-compile"
group "wasm tests + monitoring" \
  wasm "wasm tests (cargo: unit, cw-multi-test, engine, vectors, drift)" "npm run --silent test:wasm" \
  monitoring "monitoring (promtool check + alert unit tests, dashboard, exporter)" "npm run --silent test:monitoring"
group --side-by-side "equivalence" \
  equivalence-suites "equivalence suites (both stacks: chain adapters, corpus, deliberate divergence)" "npm run --silent test:equivalence:suites -- --no-compile" \
  equivalence-campaign "equivalence campaign (both stacks: corpus, 3,000 random and 10,000 adversarial steps, report)" "npm run --silent test:equivalence:campaign"
finish
