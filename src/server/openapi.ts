/**
 * @module server/openapi
 * The API's OpenAPI 3.1 description, served at /openapi.json. The tests check that it lists
 * exactly the routes the server answers, with the roles of roles.ts.
 */
import { VERSION } from "../version.js";
import { ACCESS, type Endpoint } from "./roles.js";

type Op = { endpoint?: Endpoint; summary: string; body?: "json" | "scan" | "register"; ok: number; params?: string[]; query?: string[]; sse?: boolean };

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const error = { description: "an error", content: { "application/json": { schema: ref("Error") } } };

function operation(id: string, o: Op) {
  const roles = o.endpoint ? ACCESS[o.endpoint] : [];
  return {
    operationId: id,
    summary: o.summary,
    ...(o.endpoint ? { description: `Roles: ${roles.join(", ")}.`, "x-roles": roles, security: [{ bearer: [] }] } : { security: [] }),
    parameters: [
      ...(o.params ?? []).map((name) => ({ name, in: "path", required: true, schema: { type: "string" } })),
      ...(o.query ?? []).map((name) => ({ name, in: "query", required: false, schema: { type: "string" } })),
    ],
    ...(o.body === "json" ? { requestBody: { required: true, content: { "application/json": { schema: { type: "object" } } } } } : {}),
    ...(o.body === "scan" || o.body === "register" ? {
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: o.body === "scan" ? ref("ScanRequest") : ref("Registration") },
          "application/octet-stream": {
            schema: { type: "string", contentMediaType: "application/octet-stream", description: `a single weight file (streamed to disk, size-limited); its name in ?filename=${o.body === "register" ? ", the metadata in the other query parameters" : ", ?behaviour=true for the behavioural test"}` },
          },
        },
      },
    } : {}),
    responses: {
      [String(o.ok)]: o.sse
        ? { description: "Server-sent events: `progress` ({stage, done, total}), then one of `done`, `failed`, `cancelled` with the job", content: { "text/event-stream": { schema: { type: "string" } } } }
        : { description: o.ok === 202 ? "the job, queued" : "ok", content: { "application/json": { schema: o.ok === 202 ? ref("Job") : { type: "object" } } } },
      // 503: the registry cannot be reached (a Postgres registry that is down)
      ...(o.endpoint ? { 401: error, 403: error, 429: error, 503: error } : {}),
      ...(o.body ? { 413: error } : {}),
      400: error,
      404: error,
    },
  };
}

const PATHS: Record<string, Record<string, [string, Op]>> = {
  "/openapi.json": { get: ["openapi", { summary: "this document", ok: 200 }] },
  "/": { get: ["ui", { summary: "the web UI (HTML)", ok: 200 }] },
  "/ui/{file}": { get: ["uiFile", { summary: "the web UI's script and style sheet", ok: 200, params: ["file"] }] },
  "/api/health": { get: ["health", { summary: "liveness and version", ok: 200 }] },
  "/api/models": {
    get: ["listModels", { endpoint: "models.list", summary: "registered models the token may see (search: q, tier)", ok: 200, query: ["q", "tier"] }],
    post: ["registerModel", {
      endpoint: "models.register", ok: 202, body: "register", query: ["filename", "name", "tier", "license", "owner", "declaredBase", "released", "notes", "recipients"],
      summary: "register a model (a job): one under the server's roots ({path, ...metadata} as JSON), or one uploaded weight file (the metadata in the query)",
    }],
  },
  "/api/models/{name}": {
    get: ["showModel", { endpoint: "models.show", summary: "one registered model (reads of gated and closed models are audited)", ok: 200, params: ["name"] }],
    delete: ["removeModel", { endpoint: "models.remove", summary: "remove a model (owners: their organisation's)", ok: 200, params: ["name"] }],
  },
  "/api/models/{name}/recipients": { get: ["modelRecipients", { endpoint: "models.recipients", summary: "the marked copies issued of a model (its organisation's owners and admins)", ok: 200, params: ["name"] }] },
  "/api/models/{name}/trace": { post: ["traceModel", { endpoint: "models.trace", summary: "which recipient's marked copy a suspect was made from (a job): {suspect, master, key}, each a path under the server's roots", body: "json", ok: 202, params: ["name"] }] },
  "/api/findings": { get: ["findings", { endpoint: "findings", summary: "findings of finished scans the token may see: its own scans; for owners, findings about their models in any scan", ok: 200, query: ["model", "severity", "limit"] }] },
  "/api/scans": { post: ["scan", { endpoint: "scan", summary: "scan a suspect model given by path or uploaded (a job); with behaviour, also whether it was trained on a registered model's outputs", body: "scan", ok: 202, query: ["filename", "behaviour"] }] },
  "/api/compare": { post: ["compare", { endpoint: "compare", summary: "compare two models under the server's roots: {a, b} (a job)", body: "json", ok: 202 }] },
  "/api/tree": { post: ["tree", { endpoint: "tree", summary: "family trees of the models the token may see: {only?} (a job)", body: "json", ok: 202 }] },
  "/api/jobs/{id}": {
    get: ["getJob", { endpoint: "jobs.show", summary: "a job of this token: status, progress, result (redacted for the token)", ok: 200, params: ["id"] }],
    delete: ["cancelJob", { endpoint: "jobs.cancel", summary: "cancel a queued or running job", ok: 200, params: ["id"] }],
  },
  "/api/jobs/{id}/events": { get: ["jobEvents", { endpoint: "jobs.show", summary: "a job's progress and end as server-sent events", ok: 200, params: ["id"], sse: true }] },
  "/api/jobs/{id}/export/{format}": { get: ["exportScan", { endpoint: "jobs.export", summary: "a finished scan as json, cyclonedx, spdx, sarif or report-input", ok: 200, params: ["id", "format"] }] },
  "/api/alerts": { get: ["alerts", { endpoint: "alerts", summary: "scan matches against the organisation's gated and closed models", ok: 200 }] },
  "/api/audit": { get: ["audit", { endpoint: "audit", summary: "the append-only audit log", ok: 200 }] },
  "/api/tokens": {
    get: ["listTokens", { endpoint: "tokens.list", summary: "API tokens (never their secrets)", ok: 200 }],
    post: ["createToken", { endpoint: "tokens.create", summary: "make a token: {role, org (owners), label}; the secret is shown once", body: "json", ok: 201 }],
  },
};

export const OPENAPI = {
  openapi: "3.1.0",
  info: { title: "pedigree serve", version: VERSION, description: "The pedigree registry as a service: models, scans, comparisons, family trees, jobs, alerts and audit. Roles: admin, owner, analyst, public." },
  paths: Object.fromEntries(Object.entries(PATHS).map(([path, ops]) => [path, Object.fromEntries(Object.entries(ops).map(([method, [id, op]]) => [method, operation(id, op)]))])),
  components: {
    securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "an API token (pdg_...)" } },
    schemas: {
      Error: { type: "object", required: ["error"], properties: { error: { type: "object", required: ["code", "message"], properties: { code: { type: "string" }, message: { type: "string" } } } } },
      Registration: {
        type: "object", required: ["path", "name", "tier"],
        properties: {
          path: { type: "string", description: "a model under the server's roots" }, name: { type: "string" }, tier: { enum: ["open", "gated", "closed"] },
          license: { type: "string" }, owner: { type: "string", description: "admins only; an owner token registers for its organisation" },
          declaredBase: { type: "string" }, released: { type: "string" }, recipients: { type: "array", items: { type: "string" } }, notes: { type: "string" },
        },
      },
      ScanRequest: {
        type: "object", required: ["path"],
        properties: {
          path: { type: "string", description: "a model under the server's roots" }, publisher: { type: "string" },
          behaviour: { type: "boolean", default: false, description: "also test whether the suspect was trained on a registered model's outputs (its forward passes on the built-in probes against the registered behavioural fingerprints; progress stage \"forward passes\"); anything but a boolean is a 400" },
        },
      },
      Job: {
        type: "object", required: ["id", "kind", "status"],
        properties: {
          id: { type: "string" }, kind: { enum: ["scan", "register", "compare", "tree", "trace"] }, status: { enum: ["queued", "running", "done", "failed", "cancelled"] },
          progress: { type: ["object", "null"] },
          result: { description: "the job's outcome, redacted for the token; a finished scan's is a ScanResult", anyOf: [ref("ScanResult"), { type: ["object", "null"] }] },
          error: { type: ["object", "null"] }, createdAt: { type: "string" }, finishedAt: { type: ["string", "null"] },
        },
      },
      ScanResult: {
        type: "object", required: ["document", "exports"],
        properties: {
          document: {
            type: "object", description: "the scan (pedigree.scan/2, docs/json.md) as the token may see it (docs/serve-api.md)",
            properties: { behaviour: ref("ScanBehaviour") },
          },
          exports: { type: "object", description: "the scan's BOMs and findings log, by format" },
        },
      },
      ScanBehaviour: {
        type: "object", required: ["question", "probesVersion", "alpha", "candidates", "derived", "identical", "cost"],
        description: "with behaviour: true, was the suspect trained on a registered model's outputs? Beside the weight findings, never mixed with them. Admins get all of it; owners and analysts no counts (no registered, comparable), p-values adjusted for the registry's size bound, the first 3 candidates without controls, pRank or t; the public no result (a note says why): src/api/behaviour-views.ts",
        properties: {
          question: { type: "string" }, null: { type: "string" }, probesVersion: { type: "string" }, alpha: { type: "number" },
          testsCorrectedFor: { type: "integer", minimum: 0, description: "the Bonferroni factor: the targets tested (admins) or the bound (owners, analysts); 0 when nothing was tested" },
          alphaPerTest: { type: "number" },
          registered: { type: "integer", minimum: 0, description: "admins only" }, comparable: { type: "integer", minimum: 0, description: "admins only" },
          identical: { type: "array", items: { type: "string" } }, derived: { type: "array", items: { type: "string" } },
          untested: { type: "array", items: { type: "string" }, description: "admins only: targets left with fewer than 2 controls" },
          candidates: {
            type: "array",
            items: {
              type: "object", required: ["name", "verdict", "pValue", "pAdjusted", "effect", "reason"],
              properties: {
                name: { type: "string" }, level: { enum: ["token", "text"], description: "text: another tokenizer than the suspect's, compared at the text level" },
                verdict: { enum: ["behaviour-derived", "behaviour-independent", "inconclusive"] },
                pValue: { type: "number", minimum: 0, maximum: 1 }, pAdjusted: { type: "number", minimum: 0, maximum: 1 },
                pRank: { type: "number", minimum: 0, maximum: 1, description: "admins only" },
                pBest: { type: "number", minimum: 0, maximum: 1, description: "admins only: the p-value a copy of the target would get" },
                effect: { type: "object", properties: { agreementExcess: { type: "number" }, t: { type: ["number", "null"], description: "admins only" }, suspectAgreement: { type: "number" } } },
                controls: { type: "array", description: "admins only", items: { type: "object", properties: { name: { type: "string" }, agreement: { type: "number" } } } },
                relatives: { type: "array", description: "admins only: weight relatives of the target or the suspect, never its controls", items: { type: "string" } },
                reason: { type: "string" },
              },
            },
          },
          cost: { type: "object", properties: { tokens: { type: "integer", minimum: 0 }, seconds: { type: "number" } }, description: "the suspect's forward passes" },
          note: { type: "string", description: "why nothing was tested (or, for the public, shown)" },
        },
      },
    },
  },
} as const;
