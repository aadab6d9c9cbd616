/**
 * @module server/routes/admin
 * Owners' alerts (matches against their gated and closed models), the audit log, API tokens.
 */
import type { Hono } from "hono";
import { PedigreeError } from "../../errors.js";
import type { Env, Kit } from "../kit.js";
import { ROLES, type Role } from "../roles.js";
import { createToken } from "../tokens.js";

export function adminRoutes(app: Hono<Env>, k: Kit): void {
  const { o } = k;
  app.get("/api/alerts", k.may("alerts"), async (c) => {
    const p = c.get("principal");
    return c.json({ alerts: await o.state.alerts(p.role === "admin" ? null : p.org) });
  });
  app.get("/api/audit", k.may("audit"), async (c) => c.json({ audit: await o.state.auditLog() }));
  app.get("/api/tokens", k.may("tokens.list"), async (c) => c.json({ tokens: await o.state.listTokens() }));
  app.post("/api/tokens", k.may("tokens.create"), async (c) => {
    const b = await k.body(c);
    const role = b.role as Role;
    if (!ROLES.includes(role)) throw new PedigreeError("usage", `role must be one of ${ROLES.join(", ")}`);
    const org = role === "owner" ? String(b.org ?? "") : null;
    if (role === "owner" && (!org || org.length > 200)) throw new PedigreeError("usage", "an owner token needs its organisation (org)");
    const label = typeof b.label === "string" ? b.label.slice(0, 200) : role;
    const made = await createToken(o.state, role, org, label);
    await o.state.audit(c.get("principal"), "create-token", String(made.token.id), { role, org });
    return c.json({ secret: made.secret, token: made.token }, 201);
  });
}
