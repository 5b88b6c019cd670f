import { CalendarConfig } from '../../config/calendar.config.js';
import { TokenCipher } from './token-cipher.js';

export const tokenCipherProvider = {
  provide: TokenCipher,
  inject: [CalendarConfig],
  useFactory: (config: CalendarConfig) => new TokenCipher(config.CALENDAR_TOKEN_KEY, config.CALENDAR_TOKEN_PREVIOUS_KEY),
};
