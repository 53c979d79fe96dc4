/**
 * The operator dashboard: the static files of `dashboard/` (HTML, CSS, ES modules; no build step,
 * nothing from a CDN), served at `/`. The page is a client of the public API like any other: it
 * needs no token to load, and asks for one when the API does.
 */
import express from 'express';
import type { RequestHandler } from 'express';
import { projectPath } from '../config/paths.js';

export const DASHBOARD_DIR = projectPath('dashboard');

/** Same-origin only: judge outputs are shown as text, and no script or style may come from elsewhere. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function serveDashboard(): RequestHandler {
  return express.static(DASHBOARD_DIR, {
    index: 'index.html',
    // Small files that change with the package: revalidate rather than cache blindly.
    maxAge: 0,
    setHeaders: (res) => {
      res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
}
