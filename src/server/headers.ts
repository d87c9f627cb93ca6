/**
 * Security headers sent on every response: API, static files, errors, and the 400 the Node
 * adapter gives a request it cannot parse. The Content-Security-Policy allows no inline script
 * (inline styles only, which Observable Plot's SVG output uses), no plugins, no framing and no
 * form posts; everything loads from the server itself.
 *
 * Written out here rather than with hono's secureHeaders middleware so that the adapter-level
 * error responses (outside the Hono app) carry exactly the same set.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "Content-Security-Policy": CONTENT_SECURITY_POLICY,
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
  "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
};

const ENTRIES = Object.entries(SECURITY_HEADERS);

/** Sets the security headers on `headers` (replacing any already there). */
export function setSecurityHeaders(headers: Headers): void {
  for (const [k, v] of ENTRIES) headers.set(k, v);
}

/** Cache-Control values. */
export const CACHE = {
  /** A response that can never change (a run named by its full id; a hashed asset). */
  immutable: "public, max-age=31536000, immutable",
  /** May change: revalidate with the ETag each time. */
  revalidate: "no-cache",
  /** Errors and placeholders. */
  none: "no-store",
} as const;
