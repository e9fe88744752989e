import { Contract, id, Wallet, ZeroHash, type JsonRpcProvider } from "ethers";

import type { CosmjsChain } from "../../src/chains/wasm";

/**
 * Admin calls on the localnets as governance (deploy/params/local.json: EVM account #1,
 * CosmWasm `bob`), through each stack's timelock (ADMIN of every contract), with the
 * localnet's 2-second delay.
 */

// Hardhat's default test account #1 (governance in deploy/params/local.json). Test-only key,
// the node prints it at start; it is not a secret.
export const GOVERNANCE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

export async function evmGovern(
  provider: JsonRpcProvider,
  timelock: string,
  calls: { target: string; data: string }[],
): Promise<void> {
  const gov = new Wallet(GOVERNANCE_KEY, provider);
  const tl = new Contract(
    timelock,
    [
      "function scheduleBatch(address[],uint256[],bytes[],bytes32,bytes32,uint256)",
      "function executeBatch(address[],uint256[],bytes[],bytes32,bytes32) payable",
    ],
    gov,
  );
  const targets = calls.map((c) => c.target);
  const values = calls.map(() => 0);
  const payloads = calls.map((c) => c.data);
  const salt = id(`e2e-${Date.now()}-${Math.random()}`);
  await (await tl.scheduleBatch(targets, values, payloads, ZeroHash, salt, 2)).wait();
  await new Promise((r) => setTimeout(r, 3000));
  await provider.send("evm_mine", []);
  await (await tl.executeBatch(targets, values, payloads, ZeroHash, salt)).wait();
}

export async function wasmGovern(
  chain: CosmjsChain,
  timelock: string,
  calls: { contract: string; msg: unknown }[],
): Promise<void> {
  const bob = chain.address("bob");
  const batch = calls.map((c) => ({
    execute: { contract_addr: c.contract, msg: Buffer.from(JSON.stringify(c.msg)).toString("base64"), funds: [] },
  }));
  const salt = Buffer.from(id(`e2e-${Date.now()}-${Math.random()}`).slice(2), "hex").toString("hex");
  const predecessor = "00".repeat(32);
  await chain.execute({
    contract: timelock,
    sender: bob,
    msg: { schedule_batch: { calls: batch, predecessor, salt, delay: "2" } },
  });
  const { id: op } = await chain.query<{ id: string }>(timelock, {
    hash_operation_batch: { calls: batch, predecessor, salt },
  });
  for (let i = 0; i < 60; i++) {
    const r = await chain.query<{ is_operation_ready: boolean }>(timelock, { is_operation_ready: { id: op } });
    if (r.is_operation_ready) break;
    await new Promise((res) => setTimeout(res, 500));
  }
  await chain.execute({ contract: timelock, sender: bob, msg: { execute_batch: { calls: batch, predecessor, salt } } });
}
