import { ethers, network } from "hardhat";
import type { ContractTransactionResponse, Interface, Log, TransactionReceipt } from "ethers";

/** The next block (and so the next transaction) is mined at `t` exactly. */
export async function setNextTimestamp(t: number | bigint): Promise<void> {
  await network.provider.send("evm_setNextBlockTimestamp", [Number(t)]);
}

/** Mines an empty block at `t`; returns its number, so reads can pin it. */
export async function mineAt(t: number | bigint): Promise<number> {
  await setNextTimestamp(t);
  await network.provider.send("evm_mine", []);
  return ethers.provider.getBlockNumber();
}

export async function latestTimestamp(): Promise<number> {
  const block = await ethers.provider.getBlock("latest");
  if (!block) throw new Error("no latest block");
  return block.timestamp;
}

/** Waits for a transaction and returns its receipt (throws if it has none). */
export async function receiptOf(tx: ContractTransactionResponse): Promise<TransactionReceipt> {
  const receipt = await tx.wait();
  if (!receipt) throw new Error(`no receipt for ${tx.hash}`);
  return receipt;
}

/** A log decoded with `iface`: its event name and arguments by parameter name. */
export interface DecodedLog {
  name: string;
  args: Record<string, unknown>;
}

/** The logs of `receipt` emitted by `address`, in order, decoded with `iface`. */
export function logsOf(receipt: TransactionReceipt, address: string, iface: Interface): DecodedLog[] {
  return receipt.logs
    .filter((l: Log) => l.address.toLowerCase() === address.toLowerCase())
    .map((l: Log) => {
      const parsed = iface.parseLog({ topics: [...l.topics], data: l.data });
      if (!parsed) throw new Error(`undecodable log from ${address}: ${l.topics[0]}`);
      const args: Record<string, unknown> = {};
      parsed.fragment.inputs.forEach((input, i) => {
        args[input.name] = parsed.args[i];
      });
      return { name: parsed.name, args };
    });
}

/**
 * The return value of a mined transaction, re-executed by the node's tracer
 * (`debug_traceTransaction` returns the top call's output) and decoded with the ABI.
 */
export async function returnValueOf(iface: Interface, fn: string, txHash: string): Promise<unknown[]> {
  const trace = (await network.provider.send("debug_traceTransaction", [
    txHash,
    { disableStorage: true, disableMemory: true, disableStack: true },
  ])) as { failed: boolean; returnValue: string };
  if (trace.failed) throw new Error(`transaction ${txHash} failed; it has no return value`);
  const hex = trace.returnValue.startsWith("0x") ? trace.returnValue : `0x${trace.returnValue}`;
  return [...iface.decodeFunctionResult(fn, hex)];
}

/** Snapshot the chain; `restore()` goes back to it (and can be called again). */
export async function snapshot(): Promise<{ restore(): Promise<void> }> {
  let id = (await network.provider.send("evm_snapshot", [])) as string;
  return {
    async restore() {
      const ok = (await network.provider.send("evm_revert", [id])) as boolean;
      if (!ok) throw new Error("evm_revert failed");
      id = (await network.provider.send("evm_snapshot", [])) as string;
    },
  };
}

/** Gas limit of timed calls: explicit, so a reverting call is mined (at its time) instead of failing estimation. */
export const CALL_GAS_LIMIT = 3_000_000n;

/** What a mined call did: its receipt, the logs of the called contract, its return value. */
export interface MinedCall {
  receipt: TransactionReceipt;
  logs: DecodedLog[];
  result: unknown[];
}

/**
 * Sends `fn(...args)` to `contract` from `signer`, mined in a block at exactly `t`; returns
 * the receipt, the contract's decoded logs and the decoded return value.
 */
export async function callAt(
  t: number | bigint,
  contract: { getAddress(): Promise<string>; interface: Interface; connect(s: unknown): unknown },
  signer: unknown,
  fn: string,
  args: unknown[],
): Promise<MinedCall> {
  await setNextTimestamp(t);
  const connected = contract.connect(signer) as {
    getFunction(name: string): (...a: unknown[]) => Promise<ContractTransactionResponse>;
  };
  const tx = await connected.getFunction(fn)(...args, { gasLimit: CALL_GAS_LIMIT });
  const receipt = await receiptOf(tx);
  const address = await contract.getAddress();
  return {
    receipt,
    logs: logsOf(receipt, address, contract.interface),
    result: await returnValueOf(contract.interface, fn, tx.hash),
  };
}

/** Sends `fn(...args)` mined at `t`; resolves to the receipt, or throws the revert. */
export async function sendAt(
  t: number | bigint,
  contract: { connect(s: unknown): unknown },
  signer: unknown,
  fn: string,
  args: unknown[],
): Promise<TransactionReceipt> {
  await setNextTimestamp(t);
  const connected = contract.connect(signer) as {
    getFunction(name: string): (...a: unknown[]) => Promise<ContractTransactionResponse>;
  };
  return receiptOf(await connected.getFunction(fn)(...args, { gasLimit: CALL_GAS_LIMIT }));
}
