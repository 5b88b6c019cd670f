import { Matches } from 'class-validator';

export class ProviderIdParams {
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'id must be 1–64 characters of A–Z, a–z, 0–9, . _ : -' })
  id: string;
}
