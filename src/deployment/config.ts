import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

import { GasPrice } from "@cosmjs/stargate";
import { isAddress } from "ethers";

import { envBool, FlagError } from "../cli/flags";
import { ConfigError } from "./errors";
import { schemaProblems } from "./schemas";

/**
 * Networks and parameters of a deployment (deploy/networks.json, deploy/params/*.json),
 * resolved from the environment and validated before any transaction: every problem is
 * reported at once, each saying what to set.
 */

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

export interface EvmNetworkDef {
  wasm: string;
  local?: boolean;
  mainnet?: boolean;
  urlEnv?: string;
  keyEnv?: string;
}

export interface WasmNetworkDef {
  rpc?: string;
  rpcEnv?: string;
  chainId: string;
  prefix: string;
  gasPrice: string;
  mnemonicEnv?: string;
  keyFileEnv?: string;
  defaultKeyFile?: string;
  accountsFile?: string;
  local?: boolean;
  mainnet?: boolean;
}

export interface NetworksFile {
  evm: Record<string, EvmNetworkDef>;
  wasm: Record<string, WasmNetworkDef>;
}

export interface GovernanceParams {
  minDelay: number;
  proposers: string[];
  executors: string[];
  guardians: string[];
  /** Holders of EMERGENCY on every component that has the role (emergency rollback);
   *  omitted = the guardians (decision 0043). */
  emergency?: string[];
  /** CosmWasm: the holder of admin when no timelock contract is deployed. */
  admin?: string;
}

export interface ParamsFile {
  components: Record<string, Record<string, unknown>>;
  governance: { evm: GovernanceParams; wasm: GovernanceParams };
}

export interface ResolvedWasmNetwork extends WasmNetworkDef {
  name: string;
  rpc: string;
  /** Where the key came from, for messages (`env VAGUS_WASM_MNEMONIC`, a file path); never the key. */
  keySource: string;
  /** Loaded lazily by `wasmMnemonic`, never stored in the config object. */
  keyFile?: string;
}

export interface DeployConfig {
  evmNetwork: string;
  evm: EvmNetworkDef;
  wasm: ResolvedWasmNetwork;
  paramsFile: string;
  params: ParamsFile;
  /** deployments/ root. */
  root: string;
  /** deployments/<evm>+<wasm>/ */
  pairDir: string;
  timelockMode: boolean;
  dryRun: boolean;
  /** Start a new deployment even when one is complete or open (--new, VAGUS_NEW, VAGUS_DEPLOY_NEW). */
  forceNew: boolean;
  /** Mainnet confirmed on the command line (--yes, VAGUS_YES, VAGUS_CONFIRM_MAINNET). */
  yes: boolean;
  mainnet: boolean;
}

export function readJsonFile<T>(file: string): T {
  return JSON.parse(readFileSync(file, "utf8")) as T;
}

/** `${VAR:-default}` and `${VAR}` in a path, relative to the repo root. */
export function expandPath(p: string, env: NodeJS.ProcessEnv): string {
  const out = p.replace(
    /\$\{([A-Z0-9_]+)(?::-([^}]*))?\}/g,
    (_m, name: string, def?: string) => env[name] ?? def ?? "",
  );
  return path.resolve(REPO_ROOT, out);
}

export function loadNetworks(file = path.join(REPO_ROOT, "deploy", "networks.json")): NetworksFile {
  return readJsonFile<NetworksFile>(file);
}

export interface ResolveOptions {
  evmNetwork: string;
  /** The URL Hardhat resolved for the EVM network (`hre.network.config.url`), if any. */
  evmUrl?: string;
  env?: NodeJS.ProcessEnv;
  networksFile?: string;
  /**
   * False for read-only commands (verify): a missing key (EVM or CosmWasm) is not a
   * problem. Unset: a key is required unless the run is a dry run.
   */
  requireKey?: boolean;
}

/** The deploy's switches (flags of `hardhat run` or their variables), every one parsed strictly. */
export interface DeploySwitches {
  timelockMode: boolean;
  dryRun: boolean;
  forceNew: boolean;
  yes: boolean;
}

/**
 * Reads the deploy's switches. Old variable names stay aliases (VAGUS_DEPLOY_NEW of
 * VAGUS_NEW, VAGUS_CONFIRM_MAINNET of VAGUS_YES): each parses as strictly as its new name,
 * and the switch is on when either is. VAGUS_CONFIRM_MAINNET also takes the network pair
 * it confirms (`mainnet+wasm-mainnet`); another pair's name is a problem, never a silent
 * "no". Every value that does not parse is one entry of `problems`.
 */
export function deploySwitches(env: NodeJS.ProcessEnv, pair: string, problems: string[]): DeploySwitches {
  const bool = (name: string): boolean => {
    try {
      return envBool(name, env);
    } catch (err) {
      if (err instanceof FlagError) {
        problems.push(err.message);
        return false;
      }
      throw err;
    }
  };
  const confirm = (): boolean => {
    const raw = env.VAGUS_CONFIRM_MAINNET?.trim();
    if (raw === pair) return true;
    if (raw !== undefined && raw.includes("+")) {
      problems.push(`VAGUS_CONFIRM_MAINNET=${JSON.stringify(raw)} confirms another network pair than ${pair}`);
      return false;
    }
    return bool("VAGUS_CONFIRM_MAINNET");
  };
  const timelockMode = bool("VAGUS_TIMELOCK");
  const dryRun = bool("VAGUS_DRY_RUN");
  const forceNew = [bool("VAGUS_NEW"), bool("VAGUS_DEPLOY_NEW")].some(Boolean);
  const yes = [bool("VAGUS_YES"), confirm()].some(Boolean);
  return { timelockMode, dryRun, forceNew, yes };
}

/** Resolves and validates everything a deployment needs; throws ConfigError listing each problem. */
export function resolveConfig(opts: ResolveOptions): DeployConfig {
  const env = opts.env ?? process.env;
  const nets = loadNetworks(opts.networksFile);
  const problems: string[] = [];
  const evm = nets.evm[opts.evmNetwork];
  if (!evm) {
    throw new ConfigError([
      `EVM network "${opts.evmNetwork}" is not in deploy/networks.json (known: ${Object.keys(nets.evm).join(", ")})`,
    ]);
  }
  const switches = deploySwitches(env, `${opts.evmNetwork}+${env.VAGUS_WASM_NETWORK ?? evm.wasm}`, problems);
  // A dry run and the read-only commands sign nothing: no key on either stack.
  const requireKey = opts.requireKey ?? !switches.dryRun;
  if (evm.urlEnv && !env[evm.urlEnv]) problems.push(`set ${evm.urlEnv} to the JSON-RPC URL of ${opts.evmNetwork}`);
  if (evm.keyEnv && !env[evm.keyEnv] && requireKey)
    problems.push(`set ${evm.keyEnv} to the deployer's private key for ${opts.evmNetwork}`);
  if (evm.keyEnv && env[evm.keyEnv] && !/^(0x)?[0-9a-fA-F]{64}$/.test(env[evm.keyEnv] ?? "")) {
    problems.push(`${evm.keyEnv} is not a 32-byte hex private key`);
  }

  const wasmName = env.VAGUS_WASM_NETWORK ?? evm.wasm;
  const def = nets.wasm[wasmName];
  if (!def) {
    throw new ConfigError([
      ...problems,
      `CosmWasm network "${wasmName}" is not in deploy/networks.json (known: ${Object.keys(nets.wasm).join(", ")}); set VAGUS_WASM_NETWORK`,
    ]);
  }
  const rpc = (def.rpcEnv && env[def.rpcEnv]) || def.rpc || "";
  if (!rpc) problems.push(`set ${def.rpcEnv ?? "rpc"} to the CometBFT RPC URL of ${wasmName}`);
  else if (!/^https?:\/\/[^\s]+$/.test(rpc)) problems.push(`${def.rpcEnv ?? "rpc"}=${rpc} is not an http(s) URL`);
  try {
    GasPrice.fromString(def.gasPrice);
  } catch {
    problems.push(`${wasmName}.gasPrice "${def.gasPrice}" is not a gas price like 0.025ustake (deploy/networks.json)`);
  }
  if (!/^[a-z][a-z0-9]*$/.test(def.prefix)) problems.push(`${wasmName}.prefix "${def.prefix}" is not a bech32 prefix`);
  let keySource = "";
  let keyFile: string | undefined;
  if (def.mnemonicEnv && env[def.mnemonicEnv]) {
    keySource = `env ${def.mnemonicEnv}`;
  } else {
    const named = def.keyFileEnv ? env[def.keyFileEnv] : undefined;
    const candidate = named
      ? path.resolve(named)
      : def.defaultKeyFile
        ? expandPath(def.defaultKeyFile, env)
        : undefined;
    if (candidate && existsSync(candidate)) {
      keyFile = candidate;
      keySource = `file ${candidate}`;
      if ((statSync(candidate).mode & 0o077) !== 0) {
        problems.push(`${candidate} is readable by other users: chmod 600 it`);
      }
    } else if (requireKey) {
      const ways = [
        def.mnemonicEnv && `${def.mnemonicEnv} (the mnemonic)`,
        def.keyFileEnv && `${def.keyFileEnv} (a file holding it)`,
      ]
        .filter(Boolean)
        .join(" or ");
      problems.push(
        `no CosmWasm deployer key for ${wasmName}: set ${ways}` +
          (candidate
            ? `; ${candidate} does not exist${def.local ? " (start the localnet: npm run localnet:up)" : ""}`
            : ""),
      );
    }
  }

  const paramsFile = env.VAGUS_DEPLOY_PARAMS
    ? path.resolve(env.VAGUS_DEPLOY_PARAMS)
    : path.join(
        REPO_ROOT,
        "deploy",
        "params",
        evm.local && def.local ? "local.json" : `${opts.evmNetwork}+${wasmName}.json`,
      );
  let params: ParamsFile = { components: {}, governance: { evm: emptyGov(), wasm: emptyGov() } };
  if (!existsSync(paramsFile)) {
    problems.push(
      `no parameters file ${paramsFile}: write one (see deploy/params/local.json) or set VAGUS_DEPLOY_PARAMS`,
    );
  } else {
    try {
      params = readJsonFile<ParamsFile>(paramsFile);
      // The shape first (deploy/schema/params.schema.json), then the values.
      const shape = schemaProblems("params", params, paramsFile);
      problems.push(...shape);
      params.components ??= {};
      if (shape.length === 0) {
        checkGovernance(params.governance?.evm, "evm", problems, (a) => isAddress(a));
        checkGovernance(
          params.governance?.wasm,
          "wasm",
          problems,
          (a) => a.startsWith("@account:") || a.startsWith(def.prefix + "1"),
        );
      }
    } catch (err) {
      problems.push(`${paramsFile}: ${(err as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const root = path.resolve(env.VAGUS_DEPLOYMENTS_DIR ?? path.join(REPO_ROOT, "deployments"));
  return {
    evmNetwork: opts.evmNetwork,
    evm,
    wasm: { ...def, name: wasmName, rpc, keySource, keyFile },
    paramsFile,
    params,
    root,
    pairDir: path.join(root, `${opts.evmNetwork}+${wasmName}`),
    ...switches,
    mainnet: Boolean(evm.mainnet || def.mainnet),
  };
}

/** Who holds EMERGENCY on the components: `governance.<stack>.emergency`, else the guardians. */
export function emergencyHolders(g: GovernanceParams): string[] {
  return g.emergency && g.emergency.length > 0 ? g.emergency : g.guardians;
}

function emptyGov(): GovernanceParams {
  return { minDelay: 0, proposers: [], executors: [], guardians: [] };
}

function checkGovernance(
  g: GovernanceParams | undefined,
  stack: string,
  problems: string[],
  valid: (a: string) => boolean,
): void {
  if (!g) {
    problems.push(`params: governance.${stack} is missing (minDelay, proposers, executors, guardians)`);
    return;
  }
  if (!Number.isInteger(g.minDelay) || g.minDelay < 0)
    problems.push(`params: governance.${stack}.minDelay must be an integer ≥ 0`);
  for (const key of ["proposers", "executors", "guardians"] as const) {
    if (!Array.isArray(g[key]) || g[key].length === 0)
      problems.push(`params: governance.${stack}.${key} needs at least one address`);
    else
      for (const a of g[key])
        if (!valid(a)) problems.push(`params: governance.${stack}.${key}: "${a}" is not a valid address`);
  }
  if (g.emergency !== undefined) {
    if (!Array.isArray(g.emergency) || g.emergency.length === 0)
      problems.push(`params: governance.${stack}.emergency needs at least one address (or omit it: the guardians)`);
    else
      for (const a of g.emergency)
        if (!valid(a)) problems.push(`params: governance.${stack}.emergency: "${a}" is not a valid address`);
  }
  if (g.admin !== undefined && !valid(g.admin))
    problems.push(`params: governance.${stack}.admin "${g.admin}" is not a valid address`);
}

/** The CosmWasm deployer's mnemonic, read at connect time only. */
export function wasmMnemonic(cfg: DeployConfig, env: NodeJS.ProcessEnv = process.env): string {
  if (cfg.wasm.mnemonicEnv && env[cfg.wasm.mnemonicEnv]) return env[cfg.wasm.mnemonicEnv]!.trim();
  if (cfg.wasm.keyFile) return readFileSync(cfg.wasm.keyFile, "utf8").trim();
  throw new ConfigError([`no CosmWasm deployer key (${cfg.wasm.keySource || "none configured"})`]);
}

/** `@account:<name>` → address from the localnet's accounts.json; other strings unchanged. */
export function accountResolver(cfg: DeployConfig, env: NodeJS.ProcessEnv = process.env): (ref: string) => string {
  let accounts: Record<string, string> | undefined;
  return (ref: string) => {
    if (!ref.startsWith("@account:")) return ref;
    if (!accounts) {
      if (!cfg.wasm.accountsFile) throw new ConfigError([`${ref}: ${cfg.wasm.name} has no accountsFile`]);
      const file = expandPath(cfg.wasm.accountsFile, env);
      const data = readJsonFile<{ accounts: { name: string; address: string }[] }>(file);
      accounts = Object.fromEntries(data.accounts.map((a) => [a.name, a.address]));
    }
    const name = ref.slice("@account:".length);
    const a = accounts[name];
    if (!a) throw new ConfigError([`${ref}: no account "${name}" in ${cfg.wasm.accountsFile}`]);
    return a;
  };
}
