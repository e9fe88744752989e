import path from "node:path";

import {
  TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD,
  TASK_RUN,
  TASK_TEST_GET_TEST_FILES,
} from "hardhat/builtin-tasks/task-names";
import { subtask, task, type HardhatUserConfig } from "hardhat/config";
import type { NetworksUserConfig } from "hardhat/types";
import "@nomicfoundation/hardhat-toolbox";
import { applyRunFlags, RUN_FLAGS } from "./src/cli/flags";
import "./tasks/equivalence";
import "./tasks/governance";
import "./tasks/monitor";

/**
 * The one compiler version of the project. It comes from the npm package `solc` (pinned
 * to this exact version in package.json): machines here reach package registries only,
 * so Hardhat must never download a compiler.
 */
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(async (args: { solcVersion: string }, _hre, runSuper) => {
  if (args.solcVersion !== SOLC_VERSION) {
    return runSuper(args);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  const longVersion = solc.version();
  if (!longVersion.startsWith(`${SOLC_VERSION}+`)) {
    throw new Error(
      `node_modules/solc is ${longVersion}, hardhat.config.ts needs ${SOLC_VERSION}; run scripts/install.sh`,
    );
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: args.solcVersion,
    longVersion,
  };
});

/**
 * A bare `hardhat test` (npm run test:evm) leaves out test/e2e/, which needs running
 * localnets (`npm run test:e2e`), and test/equivalence/, which has its own stage
 * (`npm run test:equivalence`: the suites plus the CI campaign). Naming files runs them.
 */
subtask(TASK_TEST_GET_TEST_FILES).setAction(async (args: { testFiles: string[] }, _hre, runSuper) => {
  const files: string[] = await runSuper(args);
  if (args.testFiles.length > 0) return files;
  const own = ["e2e", "equivalence"].map((d) => path.join(__dirname, "test", d) + path.sep);
  return files.filter((f) => !own.some((dir) => path.resolve(f).startsWith(dir)));
});

/**
 * `npx hardhat run scripts/<x>.ts --network <net> --timelock --dry-run ...`: the runbook's
 * command lines. Hardhat runs the script in a child process, so each flag becomes its
 * environment variable there (src/cli/flags.ts); the variables remain aliases.
 */
{
  const run = task(TASK_RUN);
  for (const f of RUN_FLAGS) {
    if (f.kind === "boolean") run.addFlag(f.name, `${f.help} (${f.env})`);
    else run.addOptionalParam(f.name, `${f.help} (${f.env})`);
  }
  run.setAction(async (args: Record<string, unknown>, _hre, runSuper) => {
    applyRunFlags(args);
    return runSuper(args);
  });
}

/**
 * `npx hardhat verify-deployment --network <net>`: the task form of `npm run
 * verify:deployment` (src/deploy/verify.ts); exit status 1 on any mismatch.
 */
task("verify-deployment", "Checks a recorded deployment: code, roles, admins, parameters on both stacks").setAction(
  async (_args, hre) => {
    const { runVerifyCli } = await import("./src/deploy/verify-cli");
    process.exitCode = await runVerifyCli(hre);
  },
);

/**
 * Public networks always exist, so `--network sepolia` reaches the deploy script, whose
 * configuration check says which variable to set (deploy/networks.json names them). URLs
 * and the key come from the environment only; the key is never printed.
 */
function publicNetworks(): NetworksUserConfig {
  const accounts = process.env.DEPLOYER_PRIVATE_KEY ? [process.env.DEPLOYER_PRIVATE_KEY] : [];
  const url = (name: string) =>
    process.env[name] ?? `http://${name.toLowerCase().replace(/_/g, "-")}-is-not-set.invalid`;
  return {
    sepolia: { url: url("SEPOLIA_RPC_URL"), chainId: 11155111, accounts },
    mainnet: { url: url("MAINNET_RPC_URL"), chainId: 1, accounts },
  };
}

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      // viaIR measured with scripts/bench.ts: it saved ~100 gas on consume and ~800 on
      // request, less than the code-level work did, and doubles compile time. Off.
      viaIR: false,
      outputSelection: {
        "*": { "*": ["storageLayout"] },
      },
    },
  },
  paths: {
    sources: "./contracts",
    tests: "./test",
    // artifacts/wasm belongs to the CosmWasm build; Hardhat keeps to its own subfolder.
    artifacts: "./artifacts/evm",
    cache: "./cache/hardhat",
  },
  typechain: {
    outDir: "typechain-types",
    target: "ethers-v6",
  },
  networks: {
    hardhat: {
      // Conformance vectors run several calls in the same second.
      allowBlocksWithSameTimestamp: true,
    },
    localhost: {
      // The localnet's port (scripts/localnet.sh), so two checkouts can run localnets side by side.
      url: `http://127.0.0.1:${process.env.VAGUS_EVM_PORT ?? "8545"}`,
    },
    ...publicNetworks(),
  },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "true",
    currency: "USD",
    offline: true,
  },
  mocha: {
    timeout: 120_000,
  },
};

export default config;
