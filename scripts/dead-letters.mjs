// Lists or redrives a consumer group's dead-letter topic on the local platform (docs/kafka-consumers.md,
// "Dead letters"): the same CLI a pod runs (`node dist/libs/messaging/src/bin/dead-letters.js`), with the
// local settings.
//   npm run dead-letters -- list --group payment-svc
//   npm run dead-letters -- redrive --group payment-svc [--event-id <id>] [--dry-run]
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root, serviceEnv } from './lib/env.mjs';

const cli = join(root, 'dist/libs/messaging/src/bin/dead-letters.js');
const { status } = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: 'inherit', env: { PORT: '0', ...serviceEnv() } });
process.exit(status ?? 1);
