import { ConfigValidationError, ServiceConfig, loadConfig } from '@bp/platform';
import { DeadLetterRedrive } from '../dead-letter-redrive.js';
import { KafkaClient } from '../kafka-client.js';
import { KafkaProducer } from '../kafka-producer.js';

const USAGE = `usage: dead-letters.js list --group <consumer group>
       dead-letters.js redrive --group <consumer group> [--event-id <id>] [--dry-run]`;
const EX_USAGE = 64;
const EX_CONFIG = 78;

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

/**
 * Lists or redrives a consumer group's dead-letter topic, with the service's own Kafka settings (run
 * it where the service runs: its pod, or `npm run dead-letters` locally). docs/kafka-consumers.md.
 */
async function main(args: string[]): Promise<number> {
  const [command] = args;
  const group = option(args, '--group');
  if ((command !== 'list' && command !== 'redrive') || !group) {
    process.stderr.write(`${USAGE}\n`);
    return EX_USAGE;
  }
  let config: ServiceConfig;
  try {
    config = loadConfig('dead-letters', ServiceConfig);
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return EX_CONFIG;
  }
  const client = new KafkaClient(config);
  const producer = new KafkaProducer(client);
  const deadLetters = new DeadLetterRedrive(client, producer, group);
  try {
    if (command === 'list') {
      for (const letter of await deadLetters.list())
        process.stdout.write(
          `${letter.partition}:${letter.offset}  ${letter.redriven ? 'redriven' : 'waiting '}  ${letter.originalTopic}  ${letter.type}  ${letter.eventId}  ${letter.reason}  ${letter.error.slice(0, 160)}\n`,
        );
      return 0;
    }
    if (config.KAFKA_RETRY_TOPIC_ROUNDS === 0) {
      process.stderr.write('redrive needs the retry topic, which this group reads only with KAFKA_RETRY_TOPIC_ROUNDS > 0\n');
      return EX_CONFIG;
    }
    const eventId = option(args, '--event-id');
    const dryRun = args.includes('--dry-run');
    // The last round: a message that still fails comes back to the dead-letter topic after its attempts in place.
    const sent = await deadLetters.redrive({ round: Math.max(1, config.KAFKA_RETRY_TOPIC_ROUNDS), dryRun, ...(eventId ? { eventId } : {}) });
    for (const letter of sent)
      process.stdout.write(`${dryRun ? 'would redrive' : 'redriven'} ${letter.partition}:${letter.offset}  ${letter.type}  ${letter.eventId}\n`);
    process.stdout.write(`${sent.length} message(s) ${dryRun ? 'to redrive' : 'redriven'} to ${group}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`dead-letters ${command} failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await producer.onApplicationShutdown().catch(() => undefined);
    await client.onApplicationShutdown().catch(() => undefined);
  }
}

process.exit(await main(process.argv.slice(2)));
