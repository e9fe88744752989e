import type { GovCommandArgs } from "../src/governance/cli";
import { task } from "hardhat/config";

/**
 * `npx hardhat vagus:gov <verb> ... --network <net>`: governance proposals on both
 * timelocks (src/governance). Verbs:
 *
 *   propose <operation> [name=value ...] [--component X | --components a,b] [--args JSON]
 *           [--stacks evm,wasm] [--export <dir>] [--description text]
 *   status [id]
 *   execute <id> [--wait]
 *   cancel <id>
 *
 * `--from <address>` picks the EVM signer among the network's accounts; the CosmWasm
 * signer is the configured key (VAGUS_WASM_MNEMONIC / VAGUS_WASM_KEY_FILE).
 */

task("vagus:gov", "Governance proposals on both timelocks: propose | status | execute | cancel")
  .addPositionalParam("verb", "propose, status, execute or cancel")
  .addOptionalVariadicPositionalParam(
    "rest",
    "propose: <operation> [name=value ...]; status: [id]; execute/cancel: <id>",
    [],
  )
  .addOptionalParam("component", "The component (spec name: rate-limiter, CapabilityIssuer, timelock, ...)")
  .addOptionalParam("components", "Several components, comma-separated: the same operation on each (one batch)")
  .addOptionalParam("args", "The operation's arguments as a JSON object, by spec argument name")
  .addOptionalParam("stacks", "evm, wasm or evm,wasm (default both)")
  .addOptionalParam("export", "Write a Safe Transaction Builder batch and an unsigned CosmWasm tx here; send nothing")
  .addOptionalParam("description", "What the proposal is for (recorded)")
  .addOptionalParam("from", "EVM signer: one of the network's accounts (default the first)")
  .addFlag("wait", "execute: wait until the proposal is ready instead of refusing")
  .setAction(async (a: GovCommandArgs, hre) => {
    const { runCommand } = await import("../src/cli/errors");
    const { runGovCommand } = await import("../src/governance/cli");
    await runCommand("vagus:gov", () => runGovCommand(hre, a));
  });
