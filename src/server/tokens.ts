/**
 * @module server/tokens
 * API tokens: `pdg_` + 43 base64url characters (256 random bits), stored only as their sha256.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Registry } from "../registry/open.js";
import type { Principal, Role } from "./roles.js";

export interface TokenInfo {
  id: number;
  role: Role;
  org: string | null;
  label: string;
  createdAt: string;
  revoked: boolean;
}

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** Makes a token; returns its secret (shown once) and its record. */
export function createToken(db: Registry, role: Role, org: string | null, label: string): { secret: string; token: TokenInfo } {
  const secret = `pdg_${randomBytes(32).toString("base64url")}`;
  const createdAt = new Date().toISOString();
  const id = Number(db.prepare("INSERT INTO server_tokens (hash, role, org, label, created_at) VALUES (?, ?, ?, ?, ?)").run(hashOf(secret), role, org, label, createdAt).lastInsertRowid);
  return { secret, token: { id, role, org, label, createdAt, revoked: false } };
}

/** The principal a bearer secret stands for, or undefined (unknown or revoked). */
export function principalOf(db: Registry, secret: string): Principal | undefined {
  if (!/^pdg_[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  const r = db.prepare("SELECT id, role, org FROM server_tokens WHERE hash = ? AND revoked = 0").get(hashOf(secret)) as { id: number; role: Role; org: string | null } | undefined;
  return r && { tokenId: r.id, role: r.role, org: r.org };
}

export function listTokens(db: Registry): TokenInfo[] {
  const rows = db.prepare("SELECT id, role, org, label, created_at, revoked FROM server_tokens ORDER BY id").all() as Array<{ id: number; role: Role; org: string | null; label: string; created_at: string; revoked: number }>;
  return rows.map((r) => ({ id: r.id, role: r.role, org: r.org, label: r.label, createdAt: r.created_at, revoked: r.revoked !== 0 }));
}

export function adminCount(db: Registry): number {
  return Number(db.prepare("SELECT count(*) FROM server_tokens WHERE role = 'admin' AND revoked = 0").pluck().get());
}
