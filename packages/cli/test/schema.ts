/** The validator of docs/json.schema.json, the contract of every --json document (compiled once). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

// ajv-formats is CommonJS whose types declare only a default export; require gives the function.
const addFormats = createRequire(__filename)('ajv-formats') as (ajv: Ajv) => Ajv;

const SCHEMA = join(resolve(__dirname, '../../..'), 'docs/json.schema.json');

let compiled: ValidateFunction | undefined;

export function jsonSchemaValidator(): ValidateFunction {
  if (!compiled) {
    const ajv = new Ajv({ allErrors: true, strict: true });
    addFormats(ajv);
    compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA, 'utf8')));
  }
  return compiled;
}
