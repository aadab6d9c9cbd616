// /openapi.json, fetched over HTTP: valid against the OpenAPI 3.1 meta-schema (ajv, the schema in
// test/data/schemas), every $ref resolves, every path parameter is declared, and the routes it
// documents are exactly the routes the server answers — both ways: the app's route table equals
// the document, and every documented operation reaches a route (not the "no such route" 404).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openApiValidator } from "../../src/test-support/schemas.js";
import { REPO } from "../../src/test-support/shared.js";
import { ACCESS } from "../../src/server/roles.js";
import { client, startLab } from "./http.js";

type Doc = { paths: Record<string, Record<string, { parameters: Array<{ name: string; in: string }>; "x-roles"?: string[]; security: unknown[] }>> };

/** Every "$ref" value in `v`. */
function refs(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refs(x, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string") out.push(x);
      else refs(x, out);
    }
  }
  return out;
}

function resolvePointer(doc: unknown, ref: string): unknown {
  assert.match(ref, /^#\//, `only local refs: ${ref}`);
  return ref.slice(2).split("/").map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~")).reduce<unknown>((v, p) => (v && typeof v === "object" ? (v as Record<string, unknown>)[p] : undefined), doc);
}

test("/openapi.json: valid OpenAPI 3.1, and it documents exactly the routes served", async () => {
  const lab = await startLab();
  try {
    const r = await client(lab.s).call("GET", "/openapi.json");
    assert.equal(r.status, 200);
    const doc = r.json as Doc & { openapi: string };
    assert.equal(doc.openapi, "3.1.0");
    const validate = openApiValidator();
    assert.ok(validate(doc), JSON.stringify(validate.errors?.slice(0, 5), null, 1));

    // the check is not vacuous: broken copies fail
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, Record<string, unknown>>> };
    (broken.paths["/api/models"] as Record<string, Record<string, unknown>>).get = { responses: "none" };
    assert.equal(validate(broken), false, "a response list that is not an object");
    assert.equal(validate({ ...doc, openapi: "3.0.3" }), false, "a 3.0 version string");
    assert.equal(validate({ ...doc, info: { title: "x" } }), false, "info without a version");

    for (const ref of refs(doc)) assert.notEqual(resolvePointer(doc, ref), undefined, `${ref} resolves`);

    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`)).sort();
    assert.deepEqual(documented, lab.s.routes.map((x) => `${x.method} ${x.path}`).sort(), "the app's routes are the documented ones");

    const admin = lab.as("admin");
    const roleSets = new Set(Object.values(ACCESS).map((roles) => roles.join(",")));
    for (const [path, ops] of Object.entries(doc.paths)) {
      const inPath = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops)) {
        assert.deepEqual(op.parameters.filter((p) => p.in === "path").map((p) => p.name).sort(), [...inPath].sort(), `${method} ${path}: path parameters declared`);
        if (path.startsWith("/api/") && path !== "/api/health") {
          assert.ok(op["x-roles"] && roleSets.has(op["x-roles"].join(",")), `${method} ${path}: its roles are a row of the role table`);
          assert.deepEqual(op.security, [{ bearer: [] }]);
        }
        const concrete = path.replace(/\{(\w+)\}/g, "x");
        const answer = await admin.call(method.toUpperCase(), concrete, method === "get" || method === "delete" ? undefined : {});
        assert.ok(!(answer.status === 404 && answer.json?.error?.message === "no such route"), `${method} ${path} is served (${answer.status})`);
      }
    }
    // the API reference page (docs/serve-api.md) names the same operations, with the same roles
    const page = readFileSync(join(REPO, "docs", "serve-api.md"), "utf8");
    const listed = [...page.matchAll(/^\| `(GET|POST|DELETE|PUT|PATCH) ([^`]+)` \| ([^|]+) \|/gm)].map((m) => `${(m[1] as string).toLowerCase()} ${m[2]} ${(m[3] as string).trim()}`).sort();
    const expected = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).map(([m, op]) => `${m} ${p} ${op["x-roles"]?.join(", ") ?? "anyone (no token)"}`)).sort();
    assert.deepEqual(listed, expected, "docs/serve-api.md lists every operation with its roles");

    // and a route that is not documented is not served
    assert.equal((await admin.call("GET", "/api/nothing-here")).json.error.message, "no such route");
  } finally {
    await lab.s.close();
  }
});
