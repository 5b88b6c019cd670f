export const ROLES = ['patient', 'provider', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthenticatedUser {
  id: string;
  role: Role;
  /** The token's `name` claim (OIDC), when the identity provider gives one: shown to the other party, never logged. */
  name?: string;
  /** When the token expires (epoch ms): a live stream opened with it ends then. */
  expiresAt?: number;
}
