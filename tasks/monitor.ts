import { task, types } from "hardhat/config";

/**
 * `npx hardhat vagus:monitor --network <net>` (and `npm run monitor`): the Prometheus
 * exporter of a recorded deployment (monitoring/README.md). Options also come from the
 * environment (VAGUS_MONITOR_PORT, VAGUS_MONITOR_BIND, …) so `npm run monitor` needs none.
 */

const env = (name: string, def: number): number => (process.env[name] === undefined ? def : Number(process.env[name]));

task("vagus:monitor", "Serve the runbook's Prometheus metrics of a deployment on both chains")
  .addOptionalParam("port", "listen port", env("VAGUS_MONITOR_PORT", 9464), types.int)
  .addOptionalParam("bind", "listen address", process.env.VAGUS_MONITOR_BIND ?? "127.0.0.1", types.string)
  .addOptionalParam(
    "finalityEvm",
    "EVM blocks behind the head before counting",
    env("VAGUS_MONITOR_FINALITY_EVM", 2),
    types.int,
  )
  .addOptionalParam(
    "finalityWasm",
    "CosmWasm heights behind the head before counting",
    env("VAGUS_MONITOR_FINALITY_WASM", 1),
    types.int,
  )
  .addOptionalParam("pollMs", "poll interval, ms", env("VAGUS_MONITOR_POLL_MS", 2000), types.int)
  .addOptionalParam(
    "maxExecutors",
    "executor ids with a label of their own",
    env("VAGUS_MONITOR_MAX_EXECUTORS", 50),
    types.int,
  )
  .addOptionalParam(
    "maxActions",
    "action ids with a label of their own",
    env("VAGUS_MONITOR_MAX_ACTIONS", 20),
    types.int,
  )
  .addFlag("noGas", "skip per-transaction gas reads (faster backfill; no vagus_gas_* metrics)")
  .setAction(
    async (
      args: {
        noGas: boolean;
        port: number;
        bind: string;
        finalityEvm: number;
        finalityWasm: number;
        pollMs: number;
        maxExecutors: number;
        maxActions: number;
      },
      hre,
    ) => {
      // Loaded inside the action: src/ may load the Hardhat runtime, which a task file must not.
      const { startMonitor, MonitorOptionError, DeploymentNotFoundError } = await import("../src/monitoring");
      const url = "url" in hre.network.config ? hre.network.config.url : "";
      try {
        const { noGas, ...rest } = args;
        const gas = !noGas && process.env.VAGUS_MONITOR_GAS !== "0";
        const m = await startMonitor({ evmNetwork: hre.network.name, evmUrl: url, ...rest, gas });
        await new Promise<void>((resolve) => {
          const done = () => resolve();
          process.once("SIGINT", done);
          process.once("SIGTERM", done);
        });
        await m.stop();
      } catch (err) {
        if (err instanceof MonitorOptionError || err instanceof DeploymentNotFoundError) {
          console.error(err.message);
          process.exitCode = 2;
          return;
        }
        throw err;
      }
    },
  );
