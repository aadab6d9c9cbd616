/**
 * @module server/roles
 * Who may call what. Roles: admin (tokens, audit, everything), owner (of one organisation:
 * registers and removes its models, sees its gated and closed models, the alerts and findings
 * about them and the marked copies issued of them),
 * analyst (scans and compares; sees open models; a closed match shows as "a closed model of
 * <org>"), public (scans against open models only). One table, endpoint -> roles allowed; the
 * server checks every route against it and the tests assert every cell.
 */
export const ROLES = ["admin", "owner", "analyst", "public"] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  tokenId: number;
  role: Role;
  /** The organisation of an owner token. */
  org: string | null;
}

export const ACCESS = {
  "models.list": ["admin", "owner", "analyst", "public"],
  "models.show": ["admin", "owner", "analyst", "public"],
  "models.register": ["admin", "owner"],
  "models.remove": ["admin", "owner"],
  "models.recipients": ["admin", "owner"],
  "models.trace": ["admin", "owner"],
  "scan": ["admin", "owner", "analyst", "public"],
  "compare": ["admin", "owner", "analyst"],
  "tree": ["admin", "owner", "analyst"],
  "jobs.show": ["admin", "owner", "analyst", "public"],
  "jobs.cancel": ["admin", "owner", "analyst", "public"],
  "jobs.export": ["admin", "owner", "analyst", "public"],
  "findings": ["admin", "owner", "analyst", "public"],
  "alerts": ["admin", "owner"],
  "audit": ["admin"],
  "tokens.create": ["admin"],
  "tokens.list": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Endpoint = keyof typeof ACCESS;

export function allowed(endpoint: Endpoint, role: Role): boolean {
  return (ACCESS[endpoint] as readonly Role[]).includes(role);
}
