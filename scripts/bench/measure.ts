import { ethers, network } from "hardhat";
import type { ContractTransactionResponse, TransactionReceipt } from "ethers";

/** One measured transaction. */
export interface GasRow {
  component: string;
  operation: string;
  scenario: string;
  /** Receipt gasUsed: what the sender pays, 21,000 base and calldata included. */
  gasUsed: number;
  /** gasUsed minus the intrinsic cost (21,000 + calldata): what the call itself costs. */
  executionGas: number;
}

/** Intrinsic gas of a plain call: 21,000 + 4 per zero calldata byte + 16 per other byte. */
export function intrinsicGas(data: string): number {
  const bytes = ethers.getBytes(data);
  let gas = 21_000;
  for (const b of bytes) gas += b === 0 ? 4 : 16;
  return gas;
}

export async function setNextTimestamp(t: number): Promise<void> {
  await network.provider.send("evm_setNextBlockTimestamp", [t]);
}

/** Sends, waits, and returns the receipt with the transaction's calldata. */
export async function mined(
  tx: Promise<ContractTransactionResponse>,
): Promise<{ receipt: TransactionReceipt; data: string }> {
  const sent = await tx;
  const receipt = await sent.wait();
  if (!receipt || receipt.status !== 1) throw new Error(`bench transaction failed: ${sent.hash}`);
  return { receipt, data: sent.data };
}

/** Measures one transaction into a row. */
export async function measure(
  rows: GasRow[],
  component: string,
  operation: string,
  scenario: string,
  tx: Promise<ContractTransactionResponse>,
): Promise<TransactionReceipt> {
  const { receipt, data } = await mined(tx);
  const gasUsed = Number(receipt.gasUsed);
  rows.push({ component, operation, scenario, gasUsed, executionGas: gasUsed - intrinsicGas(data) });
  return receipt;
}
