/**
 * Which web pages may drive the API. A browser sends any page's requests to 127.0.0.1 if asked,
 * and a page can rebind its own DNS name to 127.0.0.1, so in every mode (tokens or not):
 *
 * - `Host` allow-list (DNS rebinding): an HTTP request or WebSocket upgrade whose `Host` names a
 *   host outside the list is refused with 403 before anything else runs. The list is the loopback
 *   names (`localhost`, `127.x.x.x`, `::1`), the configured HOST, and ALLOWED_HOSTS (`*`: any
 *   host, for a reverse proxy that checks it). A request without `Host` comes from no browser and
 *   passes. `/healthz` and `/readyz` are not checked: probes use whatever address they reach.
 * - `Origin` check (cross-site pages): a request that carries `Origin` (browsers always send it
 *   on a WebSocket upgrade and on a cross-origin POST) must come from the server's own origin
 *   (the scheme-less `host:port` of its `Host`) or from one listed in ALLOWED_ORIGINS; otherwise
 *   403. Clients that are not browsers send no `Origin` and pass.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { RequestHandler } from 'express';
import type { AccessConfig } from '../config/index.js';

/** Paths answered whatever the Host: they reveal nothing and probes reach the server by any name. */
const PROBES = new Set(['/healthz', '/readyz']);

export class OriginPolicy {
  private readonly hosts: Set<string> | null;
  private readonly origins: Set<string>;

  constructor(config: AccessConfig) {
    this.hosts = config.allowedHosts === '*' ? null : new Set(config.allowedHosts.map(normalizeHost));
    this.origins = new Set(config.allowedOrigins);
  }

  /** Why a request with these headers is refused, or null when it may go on. */
  refusal(headers: IncomingHttpHeaders): string | null {
    const host = headers.host;
    if (host !== undefined && !this.hostAllowed(host)) {
      return `host "${host}" is not allowed: add it to ALLOWED_HOSTS to reach this server by that name`;
    }
    const origin = headers.origin;
    if (origin !== undefined && !this.originAllowed(origin, host)) {
      return `origin "${origin}" is not allowed: add it to ALLOWED_ORIGINS to let pages from it use this API`;
    }
    return null;
  }

  private hostAllowed(host: string): boolean {
    if (!this.hosts) return true;
    const name = hostName(host);
    return name !== null && (isLoopbackName(name) || this.hosts.has(name));
  }

  private originAllowed(origin: string, host: string | undefined): boolean {
    if (this.origins.has(origin)) return true;
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      return false; // "null" (sandboxed frames, file:) and anything malformed
    }
    // Same origin: a page served by this server under the name it was reached by.
    return (url.protocol === 'http:' || url.protocol === 'https:') && host !== undefined && url.host === hostAndPort(host);
  }

  /** Express middleware: 403 with a GraphQL-shaped body for a refused request. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      if (PROBES.has(req.path)) return next();
      const refused = this.refusal(req.headers);
      if (!refused) return next();
      res.status(403).json({ errors: [{ message: refused, extensions: { code: 'FORBIDDEN' } }] });
    };
  }
}

/** The host name of a Host header value (`name:port`, `[v6]:port`), lower case, or null when malformed. */
function hostName(host: string): string | null {
  try {
    return normalizeHost(new URL(`http://${host}`).hostname);
  } catch {
    return null;
  }
}

function hostAndPort(host: string): string | null {
  try {
    return new URL(`http://${host}`).host;
  } catch {
    return null;
  }
}

function normalizeHost(name: string): string {
  return name.replace(/^\[|\]$/g, '').replace(/\.$/, '').toLowerCase();
}

function isLoopbackName(name: string): boolean {
  return name === 'localhost' || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}
