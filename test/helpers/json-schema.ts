/**
 * A small JSON Schema (2020-12) validator for the keywords spec/schema/vector.schema.json
 * and system-vector.schema.json use. It refuses schemas with other keywords rather than ignore them, so a schema change
 * that needs more cannot pass silently. (No ajv: the one in node_modules is v6, which has no
 * draft 2020-12; a hand validator keeps the test dependency-free.)
 */

type Schema = boolean | { [keyword: string]: unknown };

const ANNOTATIONS = new Set(["$schema", "$id", "$comment", "title", "description", "$defs", "default", "examples"]);
const SUPPORTED = new Set([
  "type",
  "enum",
  "const",
  "required",
  "properties",
  "additionalProperties",
  "propertyNames",
  "pattern",
  "minimum",
  "maximum",
  "minLength",
  "items",
  "minItems",
  "uniqueItems",
  "$ref",
  "oneOf",
  "anyOf",
  "allOf",
  "not",
]);

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  switch (t) {
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "object":
      return typeOf(v) === "object";
    default:
      return typeOf(v) === t;
  }
}

export class SchemaValidator {
  constructor(private readonly root: Schema) {
    this.checkKeywords(root, "#");
  }

  /** Every violation, as `path: message`; empty when `value` is valid. */
  validate(value: unknown): string[] {
    const errors: string[] = [];
    this.check(this.root, value, "$", errors);
    return errors;
  }

  private checkKeywords(schema: Schema, where: string): void {
    if (typeof schema === "boolean") return;
    for (const [k, v] of Object.entries(schema)) {
      if (!ANNOTATIONS.has(k) && !SUPPORTED.has(k))
        throw new Error(`json-schema: unsupported keyword ${k} at ${where}`);
      if (k === "properties" || k === "$defs") {
        for (const [name, sub] of Object.entries(v as Record<string, Schema>))
          this.checkKeywords(sub, `${where}/${k}/${name}`);
      } else if (k === "oneOf" || k === "anyOf" || k === "allOf") {
        (v as Schema[]).forEach((sub, i) => this.checkKeywords(sub, `${where}/${k}/${i}`));
      } else if (k === "items" || k === "not" || (k === "additionalProperties" && typeof v === "object")) {
        this.checkKeywords(v as Schema, `${where}/${k}`);
      }
    }
  }

  private resolve(ref: string): Schema {
    if (!ref.startsWith("#/")) throw new Error(`json-schema: only local $ref is supported (${ref})`);
    let node: unknown = this.root;
    for (const part of ref.slice(2).split("/")) node = (node as Record<string, unknown>)[part];
    if (node === undefined) throw new Error(`json-schema: unresolved $ref ${ref}`);
    return node as Schema;
  }

  private ok(schema: Schema, value: unknown): boolean {
    const errors: string[] = [];
    this.check(schema, value, "$", errors);
    return errors.length === 0;
  }

  private check(schema: Schema, v: unknown, path: string, errors: string[]): void {
    if (schema === true) return;
    if (schema === false) {
      errors.push(`${path}: not allowed`);
      return;
    }
    const s = schema;
    if (s.$ref !== undefined) this.check(this.resolve(s.$ref as string), v, path, errors);
    if (s.type !== undefined) {
      const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
      if (!types.some((t) => hasType(v, t))) {
        errors.push(`${path}: expected ${types.join(" or ")}, got ${typeOf(v)}`);
        return;
      }
    }
    if (s.enum !== undefined && !(s.enum as unknown[]).some((e) => JSON.stringify(e) === JSON.stringify(v))) {
      errors.push(`${path}: ${JSON.stringify(v)} is not one of ${JSON.stringify(s.enum)}`);
    }
    if (s.const !== undefined && JSON.stringify(s.const) !== JSON.stringify(v)) {
      errors.push(`${path}: must be ${JSON.stringify(s.const)}`);
    }
    if (typeof v === "string") {
      if (s.pattern !== undefined && !new RegExp(s.pattern as string, "u").test(v)) {
        errors.push(`${path}: ${JSON.stringify(v)} does not match ${s.pattern as string}`);
      }
      if (s.minLength !== undefined && [...v].length < (s.minLength as number)) errors.push(`${path}: too short`);
    }
    if (typeof v === "number") {
      if (s.minimum !== undefined && v < (s.minimum as number)) errors.push(`${path}: ${v} < ${s.minimum as number}`);
      if (s.maximum !== undefined && v > (s.maximum as number)) errors.push(`${path}: ${v} > ${s.maximum as number}`);
    }
    if (Array.isArray(v)) {
      if (s.minItems !== undefined && v.length < (s.minItems as number)) {
        errors.push(`${path}: needs at least ${s.minItems as number} items`);
      }
      if (s.uniqueItems === true && new Set(v.map((x) => JSON.stringify(x))).size !== v.length) {
        errors.push(`${path}: items are not unique`);
      }
      if (s.items !== undefined) v.forEach((item, i) => this.check(s.items as Schema, item, `${path}[${i}]`, errors));
    }
    if (hasType(v, "object")) {
      const obj = v as Record<string, unknown>;
      for (const key of (s.required as string[] | undefined) ?? []) {
        if (!(key in obj)) errors.push(`${path}: missing required property ${key}`);
      }
      const props = (s.properties as Record<string, Schema> | undefined) ?? {};
      if (s.propertyNames !== undefined) {
        for (const key of Object.keys(obj)) this.check(s.propertyNames as Schema, key, `${path}{${key}}`, errors);
      }
      for (const [key, value] of Object.entries(obj)) {
        if (key in props) this.check(props[key], value, `${path}.${key}`, errors);
        else if (s.additionalProperties !== undefined) {
          this.check(s.additionalProperties as Schema, value, `${path}.${key}`, errors);
        }
      }
    }
    if (s.allOf !== undefined) for (const sub of s.allOf as Schema[]) this.check(sub, v, path, errors);
    if (s.anyOf !== undefined && !(s.anyOf as Schema[]).some((sub) => this.ok(sub, v))) {
      errors.push(`${path}: matches none of anyOf`);
    }
    if (s.oneOf !== undefined) {
      const n = (s.oneOf as Schema[]).filter((sub) => this.ok(sub, v)).length;
      if (n !== 1) errors.push(`${path}: matches ${n} of oneOf (exactly 1 required)`);
    }
    if (s.not !== undefined && this.ok(s.not as Schema, v)) errors.push(`${path}: matches a forbidden schema (not)`);
  }
}
