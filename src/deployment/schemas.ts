import path from "node:path";

import { SchemaValidator } from "../spec/json-schema";
import { ConfigError } from "./errors";

/**
 * The JSON Schemas of the deployment's data files (deploy/schema/): the plan and the
 * parameters files. A schema fixes a file's shape; the configuration check and the plan
 * resolver then check its values against spec/ and the networks. A file that does not
 * match is refused before any chain is touched, each problem named with its JSON pointer.
 */

const SCHEMA_DIR = path.resolve(__dirname, "..", "..", "deploy", "schema");
export const DEPLOY_SCHEMAS = {
  plan: path.join(SCHEMA_DIR, "plan.schema.json"),
  params: path.join(SCHEMA_DIR, "params.schema.json"),
} as const;

const validators = new Map<keyof typeof DEPLOY_SCHEMAS, SchemaValidator>();

/** `<file><pointer>: <problem>` for each violation; empty when `data` matches. */
export function schemaProblems(kind: keyof typeof DEPLOY_SCHEMAS, data: unknown, file: string): string[] {
  let v = validators.get(kind);
  if (!v) {
    v = new SchemaValidator(DEPLOY_SCHEMAS[kind]);
    validators.set(kind, v);
  }
  const rel = path.relative(process.cwd(), file) || file;
  return v.validate(data).map((p) => `${rel} ${p} (deploy/schema/${path.basename(DEPLOY_SCHEMAS[kind])})`);
}

/** Throws a ConfigError listing every violation. */
export function assertSchema(kind: keyof typeof DEPLOY_SCHEMAS, data: unknown, file: string): void {
  const problems = schemaProblems(kind, data, file);
  if (problems.length > 0) throw new ConfigError(problems);
}
