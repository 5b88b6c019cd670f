// The signed-in session: the bearer token lives in memory and in sessionStorage (this tab only, gone
// when it closes), never in localStorage, so a token does not outlive the browser session or leak to
// other tabs. The claims are read for display and routing only; the gateway verifies the token.
import type { Role } from '../api/types.js';

const STORAGE_KEY = 'portal.session';

export interface Session {
  token: string;
  userId: string;
  role: Role;
  name?: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** Reads a JWT's claims without verifying (the gateway does): what the portal shows and which pages it offers. */
export function sessionFromToken(token: string): Session | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
    const role = claims['role'];
    if (typeof claims['sub'] !== 'string' || typeof claims['exp'] !== 'number' || (role !== 'provider' && role !== 'admin' && role !== 'patient')) return null;
    return {
      token,
      userId: claims['sub'],
      role,
      expiresAt: claims['exp'] * 1000,
      ...(typeof claims['name'] === 'string' ? { name: claims['name'] } : {}),
    };
  } catch {
    return null;
  }
}

export function loadSession(storage: Storage = sessionStorage, now = Date.now()): Session | null {
  const token = storage.getItem(STORAGE_KEY);
  const session = token ? sessionFromToken(token) : null;
  if (!session || session.expiresAt <= now) {
    storage.removeItem(STORAGE_KEY);
    return null;
  }
  return session;
}

export function saveSession(session: Session, storage: Storage = sessionStorage): void {
  storage.setItem(STORAGE_KEY, session.token);
}

export function clearSession(storage: Storage = sessionStorage): void {
  storage.removeItem(STORAGE_KEY);
}
