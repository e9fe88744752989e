import { readFileSync } from "node:fs";

import Ajv2020, { type ErrorObject, type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";

/**
 * JSON Schema (draft 2020-12) validation of the project's data files — conformance
 * vectors, equivalence scenarios, the deployment plan and parameters — with ajv 8.
 * Ajv's strict mode stays on, so a schema keyword it does not know fails at compile time
 * instead of being ignored. scripts/check-vectors.mjs (plain Node) builds its validators
 * with the same options (AJV_OPTIONS).
 */

export const AJV_OPTIONS = { allErrors: true, allowUnionTypes: true } as const;

/** One violation as `<JSON pointer>: <what is wrong>`, for an operator or a test log. */
export function describeSchemaError(e: ErrorObject): string {
  const at = e.instancePath === "" ? "(top level)" : e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return `${at}: missing required property "${String(p.missingProperty)}"`;
    case "additionalProperties":
      return `${at}: unexpected property "${String(p.additionalProperty)}"`;
    case "enum": {
      const allowed = (p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ");
      // e.data is there when the validator was compiled with `verbose` (ours are).
      return e.data === undefined ? `${at}: must be one of ${allowed}` : `${at}: ${JSON.stringify(e.data)} is not one of ${allowed}`;
    }
    case "const":
      return `${at}: must be ${JSON.stringify(p.allowedValue)}`;
    case "propertyNames":
      return `${at}: property name "${String(p.propertyName)}" is not allowed`;
    default:
      return `${at}: ${e.message ?? e.keyword}`;
  }
}

export class SchemaValidator {
  private readonly check: ValidateFunction;

  /** `schema`: the schema itself, or the path of its JSON file. */
  constructor(schema: object | string) {
    const root = typeof schema === "string" ? (JSON.parse(readFileSync(schema, "utf8")) as object) : schema;
    const ajv = new Ajv2020({ ...AJV_OPTIONS, verbose: true });
    addFormats(ajv);
    this.check = ajv.compile(root);
  }

  /** Every violation (see describeSchemaError); empty when `value` is valid. */
  validate(value: unknown): string[] {
    if (this.check(value)) return [];
    // With allErrors, a failed oneOf/anyOf also reports each branch's failures; keep the
    // messages distinct so one mistake reads as one or two lines, not a dozen.
    return [...new Set((this.check.errors ?? []).map(describeSchemaError))];
  }
}
