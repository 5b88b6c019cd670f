import { IsIn, IsString, Matches } from 'class-validator';

/** Development sign-in (never in production): a token for a chosen provider or admin, minted by the local gateway. */
export class DevSignInRequest {
  @IsIn(['provider', 'admin'])
  role: 'provider' | 'admin';

  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'userId must be 1–64 characters of A–Z, a–z, 0–9, . _ : -' })
  userId: string;
}

/** What the development sign-in answers: the bearer token and when it stops working. */
export interface DevSignInAnswer {
  token: string;
  role: 'provider' | 'admin';
  userId: string;
  expiresAt: string;
}
