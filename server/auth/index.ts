export { hashPassword, verifyPassword } from './password.ts';
export { createSession, deleteSession, findSessionUser, SESSION_LIFETIME_MS, type SessionUser } from './session.ts';
export { authenticate, createUser, MIN_PASSWORD_LENGTH } from './users.ts';
export { clearedSessionCookie, isSecureRequest, readSessionToken, SESSION_COOKIE, sessionCookie } from './cookie.ts';
