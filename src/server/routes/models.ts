/**
 * @module server/routes/models
 * The registry's models: list and show (what the token may see), register — a model under the
 * server's roots named by path (JSON), or one weight file uploaded (application/octet-stream, the
 * metadata in the query) — remove, and, for its organisation's owners and admins only, the marked
 * copies issued of a model and a trace job naming the recipient whose copy a suspect was made from
 * (the suspect, the unmarked master and the key file all named by path under the server's roots:
 * the key is never sent over the API nor kept in the job's parameters).
 */
import { basename, sep } from "node:path";
import type { Hono } from "hono";
import { PedigreeError, q } from "../../errors.js";
import { metaProblem, TIERS, type ModelMeta, type Tier } from "../../registry/metadata.js";
import type { ModelEntry } from "../../registry/store.js";
import { HttpRefusal } from "../http-errors.js";
import type { Ctx, Env, Kit } from "../kit.js";
import type { Principal } from "../roles.js";
import { underRoots } from "../roots.js";
import { canSee } from "../visibility.js";

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);

/** The metadata of a registration, from a JSON body or an upload's query; owners register for their organisation only. */
function metaOf(p: Principal, b: Record<string, unknown>): ModelMeta {
  if (p.role === "owner" && b.owner !== undefined && b.owner !== p.org) throw new HttpRefusal(403, `an owner token registers models of its own organisation (${p.org})`);
  const tier = b.tier as Tier;
  if (!TIERS.includes(tier)) throw new PedigreeError("usage", `tier must be one of ${TIERS.join(", ")}`);
  const meta: ModelMeta = {
    name: String(b.name ?? ""), owner: String((p.role === "owner" ? p.org : b.owner) ?? ""), tier, license: str(b.license),
    declaredBase: str(b.declaredBase), released: str(b.released),
    recipients: Array.isArray(b.recipients) ? b.recipients.map(String) : tier === "gated" ? [] : undefined, notes: str(b.notes),
  };
  const problem = metaProblem(meta);
  if (problem) throw new PedigreeError("usage", problem);
  return meta;
}

export function modelRoutes(app: Hono<Env>, k: Kit): void {
  const { o } = k;
  /** The named model, when the caller may see it (404 otherwise, the same as for no such model). */
  const visible = async (c: Ctx): Promise<ModelEntry> => {
    const e = await o.registry.get(c.req.param("name") ?? "");
    if (!e || !canSee(c.get("principal"), e)) throw new PedigreeError("not-found", `no model named ${q(c.req.param("name") ?? "")}`);
    return e;
  };

  app.get("/api/models", k.may("models.list"), async (c) => {
    const p = c.get("principal");
    const search = (c.req.query("q") ?? "").toLowerCase();
    const tier = c.req.query("tier");
    const models = (await o.registry.list()).filter((m) => canSee(p, m) && (!tier || m.tier === tier) && (!search || `${m.name} ${m.owner} ${m.license ?? ""}`.toLowerCase().includes(search)));
    return c.json({ models });
  });
  app.get("/api/models/:name", k.may("models.show"), async (c) => {
    const e = await visible(c);
    if (e.tier !== "open") await o.state.audit(c.get("principal"), "read-model", e.name, { tier: e.tier });
    // a model registered from an upload: its file, not the server's upload folder
    const path = e.summary.path.startsWith(o.uploadDir + sep) ? basename(e.summary.path) : e.summary.path;
    return c.json({ ...e, summary: { ...e.summary, path } });
  });
  app.post("/api/models", k.may("models.register"), async (c) => {
    const p = c.get("principal");
    if (k.isUpload(c)) {
      // the metadata first, so a bad request is refused before a byte is stored
      let meta: ModelMeta;
      try {
        meta = metaOf(p, { ...c.req.query(), recipients: c.req.queries("recipients") });
        if (await o.registry.get(meta.name)) throw new PedigreeError("conflict", `a model named ${q(meta.name)} is already registered`);
      } catch (e) {
        await k.discard(c);
        throw e;
      }
      const saved = await k.upload(c);
      await o.state.audit(p, "register", meta.name, { tier: meta.tier, owner: meta.owner, upload: saved.filename });
      return k.submit(c, "register", { path: saved.file, upload: saved.folder, filename: saved.filename, meta });
    }
    const b = await k.body(c);
    const meta = metaOf(p, b);
    if (await o.registry.get(meta.name)) throw new PedigreeError("conflict", `a model named ${q(meta.name)} is already registered`);
    const path = underRoots(b.path, o.roots);
    await o.state.audit(p, "register", meta.name, { tier: meta.tier, owner: meta.owner });
    return k.submit(c, "register", { path, meta });
  });
  app.delete("/api/models/:name", k.may("models.remove"), async (c) => {
    const p = c.get("principal");
    const e = await visible(c);
    if (p.role === "owner" && e.owner !== p.org) throw new HttpRefusal(403, "an owner token removes only its organisation's models");
    const removed = await o.registry.remove(e.name);
    await o.state.audit(p, "remove", e.name, { tier: e.tier });
    return c.json({ removed });
  });
  /** The named model, when the caller is an admin or an owner of its organisation. */
  const owned = async (c: Ctx, what: string): Promise<ModelEntry> => {
    const p = c.get("principal");
    const e = await visible(c);
    if (p.role === "owner" && e.owner !== p.org) throw new HttpRefusal(403, `${what} the owning organisation's owners and admins only`);
    return e;
  };
  app.post("/api/models/:name/trace", k.may("models.trace"), async (c) => {
    const e = await owned(c, "issued copies are traced for");
    const b = await k.body(c);
    const params = { model: e.name, suspect: underRoots(b.suspect, o.roots), master: underRoots(b.master, o.roots), key: underRoots(b.key, o.roots) };
    await o.state.audit(c.get("principal"), "trace", e.name, { tier: e.tier });
    return k.submit(c, "trace", params);
  });
  app.get("/api/models/:name/recipients", k.may("models.recipients"), async (c) => {
    const p = c.get("principal");
    const e = await owned(c, "issued copies are shown to");
    const copies = await o.registry.issued(e.name);
    await o.state.audit(p, "read-recipients", e.name, { tier: e.tier, copies: copies.length });
    return c.json({ model: e.name, recipients: copies.map((r) => ({ model: e.name, ...r })) });
  });
}
