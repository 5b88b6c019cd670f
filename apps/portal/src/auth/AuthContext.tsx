import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { type ApiClient, createApiClient } from '../api/client.js';
import { type Session, clearSession, loadSession, saveSession, sessionFromToken } from './session.js';

interface AuthValue {
  session: Session | null;
  /** Takes a token (dev sign-in or the identity provider's); null when it is not one the portal can use. */
  signIn(token: string): Session | null;
  signOut(): void;
  api: ApiClient;
}

const AuthContext = createContext<AuthValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(() => loadSession());

  const signOut = useCallback(() => {
    clearSession();
    setSession(null);
    queryClient.clear();
  }, [queryClient]);

  const signIn = useCallback((token: string) => {
    const next = sessionFromToken(token.trim());
    if (!next || next.expiresAt <= Date.now()) return null;
    saveSession(next);
    setSession(next);
    return next;
  }, []);

  // The session ends with its token: signed out at expiry rather than failing request by request.
  useEffect(() => {
    if (!session) return;
    // setTimeout fires at once past 2^31 - 1 ms (24.8 days): a longer-lived token is checked again then.
    const timer = setTimeout(
      () => (session.expiresAt <= Date.now() ? signOut() : setSession({ ...session })),
      Math.min(Math.max(0, session.expiresAt - Date.now()), 2 ** 31 - 1),
    );
    return () => clearTimeout(timer);
  }, [session, signOut]);

  const api = useMemo(() => createApiClient({ token: () => session?.token ?? null, onUnauthenticated: signOut }), [session, signOut]);
  const value = useMemo(() => ({ session, signIn, signOut, api }), [session, signIn, signOut, api]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in session on pages that are only reachable signed in (RequireRole guards them). */
export function useSession(): Session {
  const { session } = useAuth();
  if (!session) throw new Error('useSession without a session');
  return session;
}
