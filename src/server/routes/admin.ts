/**
 * @module server/routes/admin
 * Owners' alerts (matches against their gated and closed models), the audit log, API tokens.
 */
import type { Hono } from "hono";
import { PedigreeError } from "../../errors.js";
import { alerts, audit, auditLog } from "../audit.js";
import type { Env, Kit } from "../kit.js";
import { ROLES, type Role } from "../roles.js";
import { createToken, listTokens } from "../tokens.js";

export function adminRoutes(app: Hono<Env>, k: Kit): void {
  const { o } = k;
  app.get("/api/alerts", k.may("alerts"), (c) => {
    const p = c.get("principal");
    return c.json({ alerts: alerts(o.db, p.role === "admin" ? null : p.org) });
  });
  app.get("/api/audit", k.may("audit"), (c) => c.json({ audit: auditLog(o.db) }));
  app.get("/api/tokens", k.may("tokens.list"), (c) => c.json({ tokens: listTokens(o.db) }));
  app.post("/api/tokens", k.may("tokens.create"), async (c) => {
    const b = await k.body(c);
    const role = b.role as Role;
    if (!ROLES.includes(role)) throw new PedigreeError("usage", `role must be one of ${ROLES.join(", ")}`);
    const org = role === "owner" ? String(b.org ?? "") : null;
    if (role === "owner" && (!org || org.length > 200)) throw new PedigreeError("usage", "an owner token needs its organisation (org)");
    const label = typeof b.label === "string" ? b.label.slice(0, 200) : role;
    const made = createToken(o.db, role, org, label);
    audit(o.db, c.get("principal"), "create-token", String(made.token.id), { role, org });
    return c.json({ secret: made.secret, token: made.token }, 201);
  });
}
