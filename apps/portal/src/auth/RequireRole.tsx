import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import type { Role } from '../api/types.js';
import { useAuth } from './AuthContext.js';

/** Pages for one role: signed-out visitors go to the sign-in page (and come back), other roles to their own landing. */
export function RequireRole({ role, children }: { role: Role; children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  if (session.role !== role) return <Navigate to="/" replace />;
  return <>{children}</>;
}
