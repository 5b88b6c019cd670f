import { DatabaseServiceConfig } from '@bp/platform';

export class CalendarConfig extends DatabaseServiceConfig {
  override PORT = 3003;
  override MONGO_DB = 'calendar';
}
