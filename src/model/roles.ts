/**
 * @module model/roles
 * One vocabulary of tensor roles for every family. A canonical key names a role and where it sits:
 * `embed`, `head`, `final_norm`, `layers.3.attn.q`, `layers.3.attn.q.bias`, `layers.3.moe.experts.2.gate`.
 */

/** In model order: a block's tensors sort in the order they are used. */
export const ROLES = [
  "embed", "pos_embed",
  "attn_norm",
  "attn.q", "attn.k", "attn.v", "attn.q_norm", "attn.k_norm",
  // DeepSeek-V2/V3 multi-head latent attention
  "attn.q_a", "attn.q_a_norm", "attn.q_b", "attn.kv_a", "attn.kv_a_norm", "attn.kv_b", "attn.k_b", "attn.v_b",
  "attn.o", "post_attn_norm",
  "mlp_norm",
  "mlp.gate", "mlp.up", "mlp.down",
  "moe.router", "moe.router_bias", "moe.gate", "moe.up", "moe.down",
  "moe.shared_router", "moe.shared.gate", "moe.shared.up", "moe.shared.down",
  "post_mlp_norm",
  "final_norm", "head",
  "other",
] as const;

export type Role = (typeof ROLES)[number];

export interface KeyParts {
  role: Role;
  layer: number | null;
  expert: number | null;
  bias: boolean;
}

/** Build a canonical key from its parts. */
export function keyOf(p: KeyParts, otherName = ""): string {
  const suffix = p.bias ? ".bias" : "";
  if (p.role === "other") return `other.${otherName}`;
  if (p.layer === null) return `${p.role}${suffix}`;
  if (p.expert !== null) return `layers.${p.layer}.moe.experts.${p.expert}.${p.role.slice(4)}${suffix}`;
  return `layers.${p.layer}.${p.role}${suffix}`;
}

const LAYER_KEY = /^layers\.(\d+)\.(?:moe\.experts\.(\d+)\.(gate|up|down)|(.+?))(\.bias)?$/;

/** Split a canonical key into its parts (inverse of keyOf). */
export function parseKey(key: string): KeyParts {
  if (key.startsWith("other.")) return { role: "other", layer: null, expert: null, bias: false };
  const m = LAYER_KEY.exec(key);
  if (m) {
    const layer = Number(m[1]);
    if (m[2] !== undefined) return { role: `moe.${m[3]}` as Role, layer, expert: Number(m[2]), bias: m[5] !== undefined };
    return { role: m[4] as Role, layer, expert: null, bias: m[5] !== undefined };
  }
  const bias = key.endsWith(".bias");
  return { role: (bias ? key.slice(0, -5) : key) as Role, layer: null, expert: null, bias };
}

/** Roles that are 1-D gains (positive scale vectors): never evidence on their own raw cosine. */
export function isNormRole(role: Role): boolean {
  return role.endsWith("norm");
}

const RANK = new Map<string, number>(ROLES.map((r, i) => [r, i]));

/** Sort key for canonical keys: model order (embeddings, layer by layer, final norm, head, others). */
export function compareKeys(a: string, b: string): number {
  const pa = parseKey(a);
  const pb = parseKey(b);
  const group = (p: KeyParts) => (p.role === "other" ? 3 : p.layer !== null ? 1 : p.role === "embed" || p.role === "pos_embed" ? 0 : 2);
  return group(pa) - group(pb)
    || (pa.layer ?? 0) - (pb.layer ?? 0)
    || (RANK.get(pa.role) ?? 0) - (RANK.get(pb.role) ?? 0)
    || (pa.expert ?? -1) - (pb.expert ?? -1)
    || Number(pa.bias) - Number(pb.bias)
    || a.localeCompare(b, "en", { numeric: true });
}
