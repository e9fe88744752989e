#!/usr/bin/env node
// Checker for the conformance vectors in spec/vectors/<component>/*.json and the
// system vectors in spec/vectors/system/*.json.
//
// Plain Node 20. The shape of a file is validated by ajv 8 against spec/schema/vector.schema.json
// (system-vector.schema.json for files with "system": true), with the options of
// src/spec/json-schema.ts; then every vector is cross-checked
// against the spec data (spec/common.json and the component files): components, operation
// names and kinds, argument names and value types, result field names, roles, error
// codes/names, denial codes, event names (on the emitting component) and their exact field
// sets. It does NOT execute the vectors; expected values are written by hand from spec/*.md.
//
// A system file outside spec/vectors/ (an equivalence scenario) may leave out "expect";
// under spec/vectors/ every step must have one.
//
// Usage: node scripts/check-vectors.mjs [file.json ...]
// Exits 1 naming the file: every schema violation (as JSON pointers), else the first spec mismatch.

import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname, basename, resolve, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SPEC = join(ROOT, 'spec');

const readJson = (p) => JSON.parse(readFileSync(p, 'utf8'));

const common = readJson(join(SPEC, 'common.json'));
const schema = readJson(join(SPEC, 'schema', 'vector.schema.json'));
const systemSchema = readJson(join(SPEC, 'schema', 'system-vector.schema.json'));

// Same options as src/spec/json-schema.ts (AJV_OPTIONS): every violation, strict schemas.
const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true, verbose: true });
addFormats(ajv);
const validateVector = ajv.compile(schema);
const validateSystemVector = ajv.compile(systemSchema);

function describeSchemaError(e) {
  const at = e.instancePath === '' ? '(top level)' : e.instancePath;
  switch (e.keyword) {
    case 'required': return `${at}: missing required property "${e.params.missingProperty}"`;
    case 'additionalProperties': return `${at}: unexpected property "${e.params.additionalProperty}"`;
    case 'enum': return `${at}: ${JSON.stringify(e.data)} is not one of ${e.params.allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'const': return `${at}: must be ${JSON.stringify(e.params.allowedValue)}`;
    case 'propertyNames': return `${at}: property name "${e.params.propertyName}" is not allowed`;
    default: return `${at}: ${e.message}`;
  }
}

// The file's shape first: the checks below assume a file the schema accepts.
function checkSchema(rel, validate, v, schemaName) {
  if (validate(v)) return;
  const lines = [...new Set(validate.errors.map(describeSchemaError))];
  fail(rel, `does not match spec/schema/${schemaName}:\n  ${lines.join('\n  ')}`);
}

// Component vectors live in spec/vectors/<dir>/, named like the component's spec file.
const COMPONENTS = {
  RateLimiter: { dir: 'rate-limiter', spec: readJson(join(SPEC, 'rate-limiter.json')) },
  CircuitBreaker: { dir: 'circuit-breaker', spec: readJson(join(SPEC, 'circuit-breaker.json')) },
  ANSStateManager: { dir: 'ans', spec: readJson(join(SPEC, 'ans.json')) },
  AfferentInbox: { dir: 'afferent-inbox', spec: readJson(join(SPEC, 'afferent-inbox.json')) },
  VagalBrake: { dir: 'vagal-brake', spec: readJson(join(SPEC, 'vagal-brake.json')) },
  CapabilityIssuer: { dir: 'capability-issuer', spec: readJson(join(SPEC, 'capability-issuer.json')) },
  ReflexArc: { dir: 'reflex-arc', spec: readJson(join(SPEC, 'reflex-arc.json')) },
};
const SYSTEM_DIR = 'system';
const ALL_COMPONENTS = Object.keys(COMPONENTS);

// The literal key vectors use for "a role this contract does not define" (expect UnknownRole).
const UNKNOWN_ROLE_KEY = 'UNKNOWN';

class VectorError extends Error {}
const fail = (where, msg) => {
  throw new VectorError(`${where}: ${msg}`);
};

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const keysOf = (o) => Object.keys(o);
const sameKeySet = (a, b) => a.length === b.length && a.every((k) => b.includes(k));
const describeKeys = (ks) => (ks.length ? ks.join(', ') : '(none)');

// Both stacks run every vector: items limited to one stack cannot appear in one.
const onBothStacks = (item) => !item.stacks || (item.stacks.includes('evm') && item.stacks.includes('wasm'));

const UINT_BITS = { uint8: 8, uint16: 16, uint32: 32, uint64: 64, uint128: 128, uint256: 256 };
const INT_BITS = { int8: 8, int16: 16, int32: 32, int64: 64, int128: 128, int256: 256 };

function buildContext(componentName) {
  const { spec } = COMPONENTS[componentName];
  const ops = new Map();
  for (const op of [...common.operations, ...spec.operations]) {
    if (ops.has(op.name)) throw new Error(`spec: operation ${op.name} defined twice for ${componentName}`);
    ops.set(op.name, op);
  }
  const errors = new Map();
  for (const e of [...common.errors, ...spec.errors]) errors.set(e.name, e);
  const events = new Map();
  for (const e of [...common.events, ...spec.events]) events.set(e.name, e);
  // Own denials, and the other components' codes this one reports (the issuer's IssueDenied).
  const denialCodes = new Set([...(spec.denials ?? []).map((d) => d.code), ...(spec.foreignDenials ?? [])]);
  return {
    componentName,
    spec,
    ops,
    errors,
    events,
    denialCodes,
    types: spec.types ?? {},
    enums: spec.enums ?? {},
    roles: spec.roles,
    actors: {},
    // Deployed components whose address "@@Name" may appear (system vectors only).
    deployed: null,
  };
}

function integerOf(where, type, value) {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) fail(where, `${type} must be a safe integer (use a decimal string beyond 2^53), got ${value}`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?(0|[1-9][0-9]*)$/.test(value) && value !== '-0') return BigInt(value);
  fail(where, `${type} must be a JSON integer or decimal string, got ${JSON.stringify(value)}`);
}

// Value conventions of spec/vectors/README.md.
function checkValue(ctx, where, type, value, { eventField = false, optional = false } = {}) {
  if (type in UINT_BITS) {
    const n = integerOf(where, type, value);
    if (n < 0n || n >= 1n << BigInt(UINT_BITS[type])) fail(where, `${value} out of range for ${type}`);
    return;
  }
  if (type in INT_BITS) {
    const n = integerOf(where, type, value);
    const half = 1n << BigInt(INT_BITS[type] - 1);
    if (n < -half || n >= half) fail(where, `${value} out of range for ${type}`);
    return;
  }
  if (type.endsWith('[]')) {
    if (!Array.isArray(value)) fail(where, `${type} must be a JSON array, got ${JSON.stringify(value)}`);
    const item = type.slice(0, -2);
    value.forEach((v, i) => checkValue(ctx, `${where}[${i}]`, item, v, { eventField }));
    return;
  }
  if (value === null) {
    if (type === 'address' && optional) return;
    fail(where, `null is only an unset optional address; ${type} ${optional ? '' : '(not optional) '}cannot be null`);
  }
  switch (type) {
    case 'bool':
      if (typeof value !== 'boolean') fail(where, `bool must be true/false, got ${JSON.stringify(value)}`);
      return;
    case 'string':
      if (typeof value !== 'string') fail(where, `string expected, got ${JSON.stringify(value)}`);
      return;
    case 'bytes32':
      if (typeof value !== 'string' || !/^0x[0-9a-f]{64}$/.test(value)) fail(where, `bytes32 must be 0x + 64 lowercase hex digits, got ${JSON.stringify(value)}`);
      return;
    case 'bytes':
      if (typeof value !== 'string' || !/^0x([0-9a-f]{2})*$/.test(value)) fail(where, `bytes must be 0x + an even number of lowercase hex digits, got ${JSON.stringify(value)}`);
      return;
    case 'address': {
      if (typeof value !== 'string' || !value.startsWith('@')) fail(where, `address must be "@actor"${ctx.deployed ? ' or "@@Component"' : ''}, got ${JSON.stringify(value)}`);
      if (value.startsWith('@@')) {
        const comp = value.slice(2);
        if (!ctx.deployed) fail(where, `${value}: component addresses exist only in system vectors`);
        if (!ctx.deployed.includes(comp)) fail(where, `${value} names a component that this vector does not deploy (${ctx.deployed.join(', ')})`);
        return;
      }
      const actor = value.slice(1);
      if (!(actor in ctx.actors)) fail(where, `address ${value} names an actor not declared in "actors"`);
      return;
    }
    case 'role': {
      if (typeof value !== 'string') fail(where, `role must be a spec role key, got ${JSON.stringify(value)}`);
      if (eventField) {
        if (!ctx.roles.includes(value)) fail(where, `event role ${JSON.stringify(value)} is not a ${ctx.componentName} role (${ctx.roles.join(', ')})`);
      } else if (!(value in common.roles) && value !== UNKNOWN_ROLE_KEY) {
        fail(where, `role ${JSON.stringify(value)} is neither a common.json role key nor "${UNKNOWN_ROLE_KEY}"`);
      }
      return;
    }
  }
  if (type in ctx.enums) {
    const allowed = Object.values(ctx.enums[type]);
    if (typeof value !== 'number' || !allowed.includes(value)) fail(where, `${type} must be one of ${allowed.join(', ')} (number), got ${JSON.stringify(value)}`);
    return;
  }
  if (type in ctx.types) {
    const fields = ctx.types[type];
    const names = fields.map((f) => f.name);
    if (!isObject(value)) fail(where, `${type} must be an object with fields ${names.join(', ')}`);
    if (!sameKeySet(keysOf(value), names)) fail(where, `${type} fields must be exactly {${names.join(', ')}}, got {${describeKeys(keysOf(value))}}`);
    for (const f of fields) checkValue(ctx, `${where}.${f.name}`, f.type, value[f.name], { eventField, optional: f.optional === true });
    return;
  }
  fail(where, `spec type "${type}" unknown to the checker`);
}

function checkNamedValues(ctx, where, what, specFields, obj, opts) {
  const expected = specFields.map((f) => f.name);
  if (!isObject(obj)) fail(where, `must be an object`);
  if (!sameKeySet(keysOf(obj), expected)) fail(where, `${what} must be exactly {${describeKeys(expected)}}, got {${describeKeys(keysOf(obj))}}`);
  for (const f of specFields) checkValue(ctx, `${where}.${f.name}`, f.type, obj[f.name], { ...opts, optional: f.optional === true });
}

// The shape of a return value (spec/README.md "Return values").
function returnFields(ctx, op) {
  const r = op.returns ?? [];
  if (r.length === 1 && r[0].type in ctx.types) return ctx.types[r[0].type];
  return r;
}

function checkError(ctx, where, error) {
  const spec = ctx.errors.get(error.name);
  if (!spec) fail(where, `error "${error.name}" is not defined in common.json or the ${ctx.componentName} spec (policy denials are not errors)`);
  if (spec.code !== error.code) fail(where, `error ${error.name} has code ${spec.code} in the spec, vector says ${error.code}`);
  if (!onBothStacks(spec)) fail(where, `error ${error.name} exists only on ${spec.stacks.join(', ')}; vectors run on both stacks`);
}

function checkEvent(ctx, where, ev) {
  const spec = ctx.events.get(ev.name);
  if (!spec) fail(where, `event "${ev.name}" is not defined in common.json or the ${ctx.componentName} spec`);
  if (!onBothStacks(spec)) fail(where, `event ${ev.name} exists only on ${spec.stacks.join(', ')}; vectors run on both stacks`);
  checkNamedValues(ctx, `${where}.fields`, `${ev.name} fields`, spec.fields, ev.fields, { eventField: true });
  if ('code' in ev.fields && !ctx.denialCodes.has(Number(ev.fields.code))) {
    fail(`${where}.fields.code`, `${ev.fields.code} is not a ${ctx.componentName} denial code (${[...ctx.denialCodes].join(', ')})`);
  }
}

// A result member named "code" (IssueResult, BrakeResult) is 0 or a denial code.
function checkResultCode(ctx, where, fields, result) {
  if (!fields.some((f) => f.name === 'code')) return;
  const code = Number(result.code);
  if (code !== 0 && !ctx.denialCodes.has(code)) fail(`${where}.code`, `${result.code} is neither 0 nor a ${ctx.componentName} denial code (${[...ctx.denialCodes].join(', ')})`);
}

// opts (system vectors): requireExpect, and contextOf(name) giving the context of the
// component an event is emitted "on". The step already matches its schema (a call has
// "as" and "call", a query only "query").
function checkStep(ctx, where, step, prevAt, opts = {}) {
  const { requireExpect = true, contextOf = null } = opts;
  if (step.at < prevAt) fail(`${where}.at`, `${step.at} is before the previous step's ${prevAt}; "at" must be non-decreasing`);

  const isCall = 'call' in step;
  const opName = isCall ? step.call : step.query;
  const kind = isCall ? 'execute' : 'query';
  const op = ctx.ops.get(opName);
  if (!op) fail(where, `${ctx.componentName} has no operation "${opName}"`);
  if (op.kind !== kind) fail(where, `"${opName}" is a ${op.kind} operation, used as ${isCall ? 'a call' : 'a query'}`);
  if (isCall) {
    if (!(step.as in ctx.actors)) fail(`${where}.as`, `actor ${JSON.stringify(step.as)} is not declared in "actors"`);
  }

  const specArgs = op.args ?? [];
  if ('args' in step) {
    checkNamedValues(ctx, `${where}.args`, `args of ${opName}`, specArgs, step.args);
  } else if (specArgs.length) {
    fail(where, `${opName} takes args {${specArgs.map((a) => a.name).join(', ')}} but the step has no "args"`);
  }

  if (!('expect' in step)) {
    if (requireExpect) fail(where, 'every step of a file under spec/vectors/ needs "expect"');
    return;
  }
  const ex = step.expect;
  if ('error' in ex) {
    checkError(ctx, `${where}.expect.error`, ex.error);
    return;
  }
  const rf = returnFields(ctx, op);
  if (!isCall) {
    if ('events' in ex) fail(`${where}.expect`, 'a query emits no events');
    if (!('result' in ex)) fail(`${where}.expect`, 'a query step must give the expected "result"');
  }
  if ('result' in ex) {
    if (!op.returns || op.returns.length === 0) fail(`${where}.expect.result`, `${opName} has no return value; omit "result"`);
    checkNamedValues(ctx, `${where}.expect.result`, `result of ${opName}`, rf, ex.result);
    checkResultCode(ctx, `${where}.expect.result`, rf, ex.result);
  } else if (op.returns && op.returns.length) {
    fail(`${where}.expect`, `${opName} returns {${rf.map((f) => f.name).join(', ')}}; a successful step must give "result"`);
  }
  if ('events' in ex) {
    if (ex.events.length === 0) fail(`${where}.expect.events`, 'empty list: omit "events" when the call emits none');
    ex.events.forEach((ev, i) => {
      const w = `${where}.expect.events[${i}]`;
      if (!contextOf) return checkEvent(ctx, w, ev);
      checkEvent(contextOf(ev.on, `${w}.on`), w, ev);
    });
  }
}

function checkVector(file, expectedComponent) {
  const rel = file.startsWith(ROOT + '/') ? relative(ROOT, file) : file;
  let v;
  try {
    v = readJson(file);
  } catch (e) {
    fail(rel, `not valid JSON: ${e.message}`);
  }
  checkSchema(rel, validateVector, v, 'vector.schema.json');
  const stem = basename(file, '.json');
  if (v.name !== stem) fail(`${rel} name`, `"${v.name}" must equal the file name "${stem}"`);
  if (expectedComponent && v.component !== expectedComponent) fail(`${rel} component`, `"${v.component}" in the ${COMPONENTS[expectedComponent].dir}/ folder`);

  const ctx = buildContext(v.component);

  // actors first: addresses anywhere else refer to them.
  for (const [name, roles] of Object.entries(v.actors)) {
    const w = `${rel} actors.${name}`;
    if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) fail(w, 'actor names are identifiers');
    for (const r of roles) {
      if (!ctx.roles.includes(r)) fail(w, `${v.component} does not define role ${r}`);
    }
  }
  ctx.actors = v.actors;

  const initOp = ctx.spec.operations.find((o) => o.kind === 'init');
  const initArgs = initOp.args.filter((a) => a.name !== 'admin');
  checkNamedValues(ctx, `${rel} init`, 'init (initialize args other than admin)', initArgs, v.init);

  let prevAt = 0;
  v.steps.forEach((step, i) => {
    checkStep(ctx, `${rel} steps[${i}]`, step, prevAt);
    prevAt = step.at;
  });
  return v.steps.length;
}

function checkSystemVector(file) {
  const rel = file.startsWith(ROOT + '/') ? relative(ROOT, file) : file;
  const requireExpect = file.startsWith(join(SPEC, 'vectors') + '/');
  let v;
  try {
    v = readJson(file);
  } catch (e) {
    fail(rel, `not valid JSON: ${e.message}`);
  }
  checkSchema(rel, validateSystemVector, v, 'system-vector.schema.json');
  const stem = basename(file, '.json');
  if (v.name !== stem) fail(`${rel} name`, `"${v.name}" must equal the file name "${stem}"`);

  const deployed = v.components ?? ALL_COMPONENTS;

  // One context per deployed component, sharing the actors.
  const contexts = new Map(deployed.map((c) => [c, buildContext(c)]));
  for (const ctx of contexts.values()) {
    ctx.actors = v.actors;
    ctx.deployed = deployed;
  }
  const contextOf = (name, where) => {
    if (!contexts.has(name)) fail(where, `${name} is not deployed by this vector (components: ${deployed.join(', ')})`);
    return contexts.get(name);
  };

  for (const [name, grants] of Object.entries(v.actors)) {
    const w = `${rel} actors.${name}`;
    for (const [comp, roles] of Object.entries(grants)) {
      const ctx = contextOf(comp, `${w}.${comp}`);
      for (const r of roles) {
        if (!ctx.roles.includes(r)) fail(`${w}.${comp}`, `${comp} does not define role ${r}`);
      }
    }
  }

  if ('init' in v) {
    for (const [comp, args] of Object.entries(v.init)) {
      const ctx = contextOf(comp, `${rel} init.${comp}`);
      const initOp = ctx.spec.operations.find((o) => o.kind === 'init');
      const initArgs = initOp.args.filter((a) => a.name !== 'admin');
      for (const [name, value] of Object.entries(args)) {
        const w = `${rel} init.${comp}.${name}`;
        const arg = initArgs.find((a) => a.name === name);
        if (!arg) fail(w, `${comp}.initialize has no argument "${name}" (besides admin: ${describeKeys(initArgs.map((a) => a.name))})`);
        const fields = ctx.types[arg.type];
        if (!fields) {
          checkValue(ctx, w, arg.type, value, { optional: arg.optional === true });
          continue;
        }
        // Struct fields left out take the spec defaults of their params.
        if (!isObject(value)) fail(w, `${arg.type} must be an object`);
        for (const [k, x] of Object.entries(value)) {
          const f = fields.find((ff) => ff.name === k);
          if (!f) fail(`${w}.${k}`, `${arg.type} has no field "${k}"`);
          checkValue(ctx, `${w}.${k}`, f.type, x, { optional: f.optional === true });
        }
      }
    }
  }

  let prevAt = 0;
  v.steps.forEach((step, i) => {
    const where = `${rel} steps[${i}]`;
    const ctx = contextOf(step.on, `${where}.on`);
    checkStep(ctx, where, step, prevAt, { requireExpect, contextOf });
    prevAt = step.at;
  });
  return v.steps.length;
}

// A file given on the command line is a system vector when it says so (or sits in system/).
function isSystemFile(file) {
  if (basename(dirname(file)) === SYSTEM_DIR) return true;
  try {
    return readJson(file)?.system === true;
  } catch {
    return false;
  }
}

function main() {
  const argv = process.argv.slice(2);
  const files = [];
  if (argv.length) {
    for (const a of argv) files.push([resolve(a), null]);
  } else {
    for (const [component, { dir }] of Object.entries(COMPONENTS)) {
      const d = join(SPEC, 'vectors', dir);
      if (!existsSync(d)) continue;
      for (const f of readdirSync(d).filter((f) => f.endsWith('.json')).sort()) files.push([join(d, f), component]);
    }
    const sys = join(SPEC, 'vectors', SYSTEM_DIR);
    if (existsSync(sys)) for (const f of readdirSync(sys).filter((f) => f.endsWith('.json')).sort()) files.push([join(sys, f), SYSTEM_DIR]);
  }
  if (!files.length) {
    console.error('check-vectors: no vector files found');
    process.exit(1);
  }
  let steps = 0;
  try {
    for (const [file, component] of files) {
      if (component === SYSTEM_DIR || isSystemFile(file)) {
        steps += checkSystemVector(file);
        continue;
      }
      const inferred = component ?? Object.entries(COMPONENTS).find(([, c]) => basename(dirname(file)) === c.dir)?.[0] ?? null;
      steps += checkVector(file, inferred);
    }
  } catch (e) {
    if (e instanceof VectorError) {
      console.error(`check-vectors: ${e.message}`);
      process.exit(1);
    }
    throw e;
  }
  console.log(`check-vectors: ${files.length} files, ${steps} steps OK`);
}

main();
