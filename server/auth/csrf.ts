/**
 * Cross-site request forgery check of the HTTP routes outside /graphql that
 * change state and accept the session cookie (the dataset upload routes).
 * A browser attaches the cookie to a request that another site's form or
 * script sends. Such a request therefore passes only when its Origin (or,
 * without Origin, its Referer) names this server. It must also carry a header
 * that a cross-site page cannot send without a CORS preflight, which this
 * server never grants. /graphql gets the same protection from Apollo Server's
 * `csrfPrevention`. Requests with `Authorization: Bearer` carry no ambient
 * credential, so they always pass.
 */
import type { IncomingMessage } from 'node:http';
import { readSessionToken } from './cookie.ts';

/** Header that the dashboard sends with cookie-authenticated uploads; any value forces a preflight. */
export const PREFLIGHT_HEADER = 'Robustlab-Require-Preflight';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Content types that an HTML form can send, so they trigger no CORS preflight. */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

function hasBearerToken(headers: IncomingMessage['headers']): boolean {
  return /^Bearer\s+\S+$/i.test(headers.authorization ?? '');
}

/** Returns the host (with port) of an Origin or Referer value, or null when it has none (`null`, invalid URL). */
function hostOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.host === '' ? null : url.host;
  } catch {
    return null;
  }
}

function forcesPreflight(headers: IncomingMessage['headers']): boolean {
  if (headers[PREFLIGHT_HEADER.toLowerCase()] !== undefined) return true;

  const contentType = headers['content-type'];
  if (contentType === undefined) return false;
  const mediaType = contentType.split(';')[0].trim().toLowerCase();
  return !SIMPLE_CONTENT_TYPES.has(mediaType);
}

/**
 * Returns why a request must be rejected as a possible cross-site request
 * forgery, or null when it may go on. Only state-changing methods with the
 * session cookie and without a bearer token are checked.
 * NOTE: the own origin is taken from the Host header and compared without the
 * scheme, because behind a TLS proxy this server receives plain HTTP.
 */
export function findCsrfProblem(request: IncomingMessage): string | null {
  const { headers } = request;
  if (SAFE_METHODS.has(request.method ?? 'GET')) return null;
  if (hasBearerToken(headers) || readSessionToken(headers) === null) return null;

  const ownHost = headers.host ?? '';
  const source = headers.origin ?? headers.referer;
  if (source !== undefined && hostOf(source) !== ownHost) {
    const header = headers.origin === undefined ? 'Referer' : 'Origin';
    return (
      `Cross-site request rejected: the ${header} header ${JSON.stringify(source)} is not this server (${ownHost}), ` +
      'and the session cookie is accepted only from the Robustlab dashboard. Scripts should send an API token in Authorization: Bearer.'
    );
  }
  if (!forcesPreflight(headers)) {
    return (
      `Request rejected as a possible cross-site request forgery: a request signed in by the session cookie must send the header ${PREFLIGHT_HEADER}: 1 ` +
      'or a Content-Type other than text/plain, application/x-www-form-urlencoded and multipart/form-data. Scripts should send an API token in Authorization: Bearer.'
    );
  }
  return null;
}

/** Close reason of a refused cross-site socket; graphql-ws close reasons hold at most 123 bytes. */
export const CROSS_SITE_SOCKET_MESSAGE = 'Cross-site WebSocket rejected: its Origin is not this server. Scripts should use an API token.';

/**
 * Returns whether a WebSocket upgrade must be refused as cross-site.
 * A page on another port or subdomain of the same site can open a socket,
 * and the browser sends the session cookie with it. Such a socket could run
 * mutations as the signed-in user. Browsers always send a socket's Origin. A cookie-signed upgrade
 * is therefore accepted only from this server's own origin. Scripts without
 * an Origin header, and sockets without the cookie, are not affected.
 */
export function isCrossSiteSocket(request: IncomingMessage): boolean {
  const { headers } = request;
  if (readSessionToken(headers) === null || headers.origin === undefined) return false;
  return hostOf(headers.origin) !== (headers.host ?? '');
}
