/**
 * @module server/headers
 * Security headers on every response: a Content-Security-Policy that allows scripts and styles
 * only from the server's own files (no inline script, no eval), no framing, no sniffing, no
 * referrer; API answers are not cached.
 */
import type { MiddlewareHandler } from "hono";

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const h = c.res.headers;
  h.set("Content-Security-Policy", CSP);
  h.set("X-Content-Type-Options", "nosniff");
  h.set("X-Frame-Options", "DENY");
  h.set("Referrer-Policy", "no-referrer");
  h.set("Cross-Origin-Opener-Policy", "same-origin");
  h.set("Cross-Origin-Resource-Policy", "same-origin");
  if (c.req.path.startsWith("/api/")) h.set("Cache-Control", "no-store");
};
