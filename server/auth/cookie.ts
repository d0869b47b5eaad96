import type { IncomingMessage } from 'node:http';

/** Name of the HTTP-only cookie that carries the session token. */
export const SESSION_COOKIE = 'robustlab_session';

/** Reads the session token from the `Authorization: Bearer` header or the session cookie. */
export function readSessionToken(headers: IncomingMessage['headers']): string | null {
  const authorization = headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (match) return match[1];
  }
  return readCookie(headers.cookie, SESSION_COOKIE);
}

function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const separator = part.indexOf('=');
    if (separator < 0 || part.slice(0, separator).trim() !== name) continue;
    try {
      return decodeURIComponent(part.slice(separator + 1).trim()) || null;
    } catch {
      return null;
    }
  }
  return null;
}

/** Builds the Set-Cookie value of a session; `secure` is set when the request came over HTTPS. */
export function sessionCookie(token: string, expiresAt: Date, secure: boolean): string {
  const attributes = [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Expires=${expiresAt.toUTCString()}`];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** Builds the Set-Cookie value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  const attributes = [`${SESSION_COOKIE}=`, 'Path=/', 'HttpOnly', 'SameSite=Lax', 'Max-Age=0'];
  if (secure) attributes.push('Secure');
  return attributes.join('; ');
}

/** Tells whether the request reached us over HTTPS, directly or through a proxy. */
export function isSecureRequest(request: IncomingMessage): boolean {
  const forwarded = request.headers['x-forwarded-proto'];
  const protocol = Array.isArray(forwarded) ? forwarded[0] : forwarded?.split(',')[0].trim();
  return protocol === 'https' || Boolean((request.socket as { encrypted?: boolean }).encrypted);
}
