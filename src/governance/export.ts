import { calculateFee, GasPrice } from "@cosmjs/stargate";
import { Interface } from "ethers";

import { readEvmArtifact } from "../chains/evm";

/**
 * What a multisig needs to submit a proposal the toolkit's signer may not: a Safe
 * Transaction Builder batch file for the EVM timelock, and an unsigned CosmWasm
 * transaction (the JSON `wasmd tx wasm execute ... --generate-only` prints) for the
 * CosmWasm timelock. Pure functions of the proposal's encoded calls.
 */

/** A Safe Transaction Builder batch file (the "Load" format of the Safe{Wallet} app). */
export interface SafeBatchFile {
  version: "1.0";
  chainId: string;
  createdAt: number;
  meta: {
    name: string;
    description: string;
    txBuilderVersion: string;
    createdFromSafeAddress: string;
    createdFromOwnerAddress: string;
  };
  transactions: {
    to: string;
    value: string;
    data: string;
    contractMethod: { inputs: { internalType: string; name: string; type: string }[]; name: string; payable: boolean };
    contractInputsValues: Record<string, string>;
  }[];
}

/** The calls a Safe submits to the EVM timelock: `scheduleBatch` (and later, anyone's `executeBatch`). */
export interface EvmTimelockCall {
  timelock: string;
  fn: "scheduleBatch" | "executeBatch" | "cancel";
  args: unknown[];
}

const TIMELOCK_CONTRACT = "VagusTimelock";

/** Calldata of a timelock function with the artifact's ABI. */
export function timelockCalldata(fn: string, args: readonly unknown[]): string {
  return new Interface(readEvmArtifact(TIMELOCK_CONTRACT).abi as never).encodeFunctionData(fn, args);
}

function inputValue(v: unknown): string {
  if (Array.isArray(v)) return JSON.stringify(v.map((x) => (typeof x === "bigint" ? x.toString() : x)));
  return typeof v === "bigint" ? v.toString() : String(v);
}

/** A batch file of timelock calls for the Safe at `safe` (the timelock's PROPOSER). */
export function safeBatch(opts: {
  chainId: string;
  safe: string;
  name: string;
  description: string;
  calls: EvmTimelockCall[];
  createdAt?: number;
}): SafeBatchFile {
  const iface = new Interface(readEvmArtifact(TIMELOCK_CONTRACT).abi as never);
  return {
    version: "1.0",
    chainId: opts.chainId,
    createdAt: opts.createdAt ?? Date.now(),
    meta: {
      name: opts.name,
      description: opts.description,
      txBuilderVersion: "1.18.0",
      createdFromSafeAddress: opts.safe,
      createdFromOwnerAddress: "",
    },
    transactions: opts.calls.map((c) => {
      const f = iface.getFunction(c.fn);
      if (!f) throw new Error(`${TIMELOCK_CONTRACT} has no ${c.fn}`);
      return {
        to: c.timelock,
        value: "0",
        data: iface.encodeFunctionData(f, c.args),
        contractMethod: {
          inputs: f.inputs.map((i) => ({ internalType: i.type, name: i.name, type: i.type })),
          name: f.name,
          payable: f.payable,
        },
        contractInputsValues: Object.fromEntries(f.inputs.map((i, k) => [i.name, inputValue(c.args[k])])),
      };
    }),
  };
}

/** An unsigned Cosmos SDK transaction as `--generate-only` prints it (JSON of `cosmos.tx.v1beta1.Tx`). */
export interface UnsignedCosmosTx {
  body: {
    messages: {
      "@type": "/cosmwasm.wasm.v1.MsgExecuteContract";
      sender: string;
      contract: string;
      msg: unknown;
      funds: never[];
    }[];
    memo: string;
    timeout_height: string;
    extension_options: never[];
    non_critical_extension_options: never[];
  };
  auth_info: {
    signer_infos: never[];
    fee: { amount: { denom: string; amount: string }[]; gas_limit: string; payer: string; granter: string };
    tip: null;
  };
  signatures: never[];
}

/** An unsigned tx executing `msgs` on `contract` from `sender` (the multisig holding PROPOSER). */
export function unsignedWasmTx(opts: {
  sender: string;
  contract: string;
  msgs: unknown[];
  memo?: string;
  gasLimit?: number;
  /** The network's gas price (`0.025ustake`): the fee is paid at that price for the limit. */
  gasPrice: string;
}): UnsignedCosmosTx {
  const gas = opts.gasLimit ?? 2_000_000;
  const fee = calculateFee(gas, GasPrice.fromString(opts.gasPrice));
  return {
    body: {
      messages: opts.msgs.map((msg) => ({
        "@type": "/cosmwasm.wasm.v1.MsgExecuteContract",
        sender: opts.sender,
        contract: opts.contract,
        msg,
        funds: [],
      })),
      memo: opts.memo ?? "",
      timeout_height: "0",
      extension_options: [],
      non_critical_extension_options: [],
    },
    auth_info: {
      signer_infos: [],
      // Signing keeps the fee as written (`wasmd tx sign` / `multisign`), so it is set here.
      fee: {
        amount: fee.amount.map((c) => ({ denom: c.denom, amount: c.amount })),
        gas_limit: String(gas),
        payer: "",
        granter: "",
      },
      tip: null,
    },
    signatures: [],
  };
}
