/** Validators for the official CycloneDX 1.6, SARIF 2.1.0, SPDX 3.0.1 and OpenAPI 3.1 JSON schemas (test/data/schemas), and for pedigree's own (docs/schemas). */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type AnySchemaObject, type ValidateFunction } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import Ajv04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { REPO } from "./shared.js";

// CJS default exports seen through NodeNext typing.
type Ctor<T> = new (opts?: Record<string, unknown>) => T;
const Ajv04 = ((Ajv04Module as unknown as { default?: unknown }).default ?? Ajv04Module) as unknown as Ctor<Ajv>;
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const SCHEMAS = join(REPO, "test/data/schemas");
const schema = (f: string) => JSON.parse(readFileSync(join(SCHEMAS, f), "utf8")) as AnySchemaObject;
/** Formats the CycloneDX schema uses that ajv-formats does not define (IRIs, IDN e-mail): accepted as strings. */
const iri = (a: Ajv) => {
  a.addFormat("iri-reference", true);
  a.addFormat("iri", true);
  a.addFormat("idn-email", true);
  return a;
};

export function cyclonedxValidator(): ValidateFunction {
  const ajv = iri(addFormats(new Ajv({ strict: false, allErrors: true })));
  ajv.addSchema(schema("spdx.schema.json"));
  ajv.addSchema(schema("jsf-0.82.schema.json"));
  ajv.addSchema(schema("cryptography-defs.schema.json"));
  return ajv.compile(schema("bom-1.6.schema.json"));
}

export function sarifValidator(): ValidateFunction {
  const ajv = new Ajv04({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema("sarif-schema-2.1.0.json"));
}

export function spdxValidator(): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  return ajv.compile(schema("spdx-3.0.1-json-schema.json"));
}


/** The OpenAPI 3.1 meta-schema (documents' structure; not the Schema Objects inside them). */
export function openApiValidator(): ValidateFunction {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv as unknown as Ajv);
  // RFC 9110 media ranges (content keys: "application/json", "text/*"), which ajv-formats lacks
  ajv.addFormat("media-range", /^(\*\/\*|[\w!#$%&'*+.^`|~-]+\/(\*|[\w!#$%&'*+.^`|~-]+))(\s*;.*)?$/);
  return ajv.compile(schema("openapi-3.1.schema.json"));
}

const OWN = join(REPO, "docs/schemas");
let own: Ajv2020 | undefined;

/**
 * A validator for one of pedigree's own documents (docs/schemas/<name>.schema.json, draft 2020-12).
 * Strict mode: a typo in a schema keyword is an error, not a silently ignored word.
 */
export function pedigreeValidator(name: string): ValidateFunction {
  if (!own) {
    own = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    for (const f of readdirSync(OWN).filter((x) => x.endsWith(".schema.json"))) own.addSchema(JSON.parse(readFileSync(join(OWN, f), "utf8")) as AnySchemaObject);
  }
  const v = own.getSchema(`${name}.schema.json`);
  if (!v) throw new Error(`no schema docs/schemas/${name}.schema.json`);
  return v;
}
