/**
 * @module registry/location
 * Where a registry is: a local SQLite file (a path) or a Postgres database (a `postgres://` or
 * `postgresql://` URL), from `--registry`, else `$PEDIGREE_REGISTRY`, else the default file. A URL
 * is shown everywhere with its password replaced by `***` (redact), never as given.
 */
export const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const POSTGRES = /^postgres(ql)?:\/\//i;

/** A SQLite file (undefined: the default file, open.ts's defaultRegistryPath), or a Postgres URL. */
export type RegistryLocation = { kind: "sqlite"; file: string | undefined } | { kind: "postgres"; url: string; name: string };

/** `text` with every URL password in it replaced by `***`. */
export function redact(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^:@/\s]*):[^@/\s]*@/gi, "$1:***@");
}

/** Where `given` (or, without it, $PEDIGREE_REGISTRY or the default file) puts the registry. */
export function registryLocation(given?: string, env: NodeJS.ProcessEnv = process.env): RegistryLocation {
  const where = given ?? (env.PEDIGREE_REGISTRY && URL_LIKE.test(env.PEDIGREE_REGISTRY) ? env.PEDIGREE_REGISTRY : undefined);
  if (where !== undefined && POSTGRES.test(where)) return { kind: "postgres", url: where, name: redact(where) };
  return { kind: "sqlite", file: where };
}

export function isPostgresUrl(s: string): boolean {
  return POSTGRES.test(s);
}
