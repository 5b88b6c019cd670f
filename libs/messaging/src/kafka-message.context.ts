import { BaseRpcContext } from '@nestjs/microservices';
import type { IHeaders } from 'kafkajs';

type Args = [topic: string, partition: number, offset: string, headers: IHeaders, attempt: number];

/** What a handler can learn about the record it is handling (`@Ctx()`). */
export class KafkaMessageContext extends BaseRpcContext<Args> {
  get topic(): string {
    return this.args[0];
  }
  get partition(): number {
    return this.args[1];
  }
  get offset(): string {
    return this.args[2];
  }
  get headers(): IHeaders {
    return this.args[3];
  }
  /** 1 on first delivery to the handler, then 2, 3… within this process's bounded retries. */
  get attempt(): number {
    return this.args[4];
  }
}
