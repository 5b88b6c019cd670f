/**
 * The trust score of a provider on their account's first day who has answered every request and has
 * no visits or reviews yet: every factor at its neutral or earned 100, the account's age at 0 of 10.
 */
export const FIRST_DAY_TRUST_SCORE = {
  score: 90,
  factors: {
    responseRate: { weight: 30, value: 100 },
    completionRate: { weight: 25, value: 100 },
    noShowRate: { weight: 20, value: 100 },
    reviewScore: { weight: 15, value: 100 },
    accountAge: { weight: 10, value: 0 },
  },
} as const;
