/**
 * @module server/tokens
 * API tokens: `pdg_` + 43 base64url characters (256 random bits), stored only as their sha256 (in
 * the server's state, state/state.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import type { Principal, Role } from "./roles.js";
import type { ServerState, TokenInfo } from "./state/state.js";

export type { TokenInfo } from "./state/state.js";

const hashOf = (secret: string) => createHash("sha256").update(secret).digest("hex");

/** Makes a token; returns its secret (shown once) and its record. */
export async function createToken(state: ServerState, role: Role, org: string | null, label: string): Promise<{ secret: string; token: TokenInfo }> {
  const secret = `pdg_${randomBytes(32).toString("base64url")}`;
  return { secret, token: await state.addToken(hashOf(secret), role, org, label, new Date().toISOString()) };
}

/** The principal a bearer secret stands for, or undefined (malformed, unknown or revoked). */
export async function principalOf(state: ServerState, secret: string): Promise<Principal | undefined> {
  if (!/^pdg_[A-Za-z0-9_-]{43}$/.test(secret)) return undefined;
  return state.principalOf(hashOf(secret));
}
