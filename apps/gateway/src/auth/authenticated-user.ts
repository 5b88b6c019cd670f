export const ROLES = ['patient', 'provider', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface AuthenticatedUser {
  id: string;
  role: Role;
}
