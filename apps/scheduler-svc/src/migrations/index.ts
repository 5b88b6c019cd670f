import type { Migration } from '@bp/platform';
import { timerPollMinute } from './20261125000000-timer-poll-minute.js';

/** scheduler-svc's migrations, oldest first (docs/migrations.md). */
export const schedulerMigrations: readonly Migration[] = [timerPollMinute];
