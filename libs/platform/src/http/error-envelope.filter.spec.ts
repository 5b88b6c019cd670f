import type { ArgumentsHost } from '@nestjs/common';
import mongoose from 'mongoose';
import { ApiError } from './api-envelope.js';
import { ErrorEnvelopeFilter } from './error-envelope.filter.js';

/** What the filter answers for an error: status, Retry-After and the envelope's error. */
function answerTo(error: unknown) {
  const reply = { headers: {} as Record<string, string>, statusCode: 0, body: undefined as any };
  const fastifyReply = {
    header: (name: string, value: string) => ((reply.headers[name] = value), fastifyReply),
    status: (code: number) => ((reply.statusCode = code), fastifyReply),
    send: (body: unknown) => ((reply.body = body), fastifyReply),
  };
  const host = { getType: () => 'http', switchToHttp: () => ({ getResponse: () => fastifyReply }) } as unknown as ArgumentsHost;
  new ErrorEnvelopeFilter().catch(error, host);
  return { status: reply.statusCode, retryAfter: reply.headers['Retry-After'], error: reply.body?.error };
}

describe('ErrorEnvelopeFilter', () => {
  it('answers 503 DATABASE_UNAVAILABLE with Retry-After when the database cannot be reached, not 500', () => {
    const { MongoNetworkError, MongoServerSelectionError, MongoNotConnectedError } = mongoose.mongo;
    for (const error of [
      new MongoNetworkError('connect ECONNREFUSED 127.0.0.1:27017'),
      new MongoServerSelectionError('connect ECONNREFUSED 127.0.0.1:27017', { type: 'Unknown', servers: new Map() } as never),
      new MongoNotConnectedError('client not connected'),
    ])
      expect(answerTo(error)).toEqual({ status: 503, retryAfter: '1', error: expect.objectContaining({ code: 'DATABASE_UNAVAILABLE' }) });
  });

  it('keeps a real bug a 500 INTERNAL_ERROR, and an answer it chose as it is', () => {
    expect(answerTo(new Error('boom'))).toEqual({ status: 500, retryAfter: undefined, error: expect.objectContaining({ code: 'INTERNAL_ERROR' }) });
    expect(answerTo(new mongoose.mongo.MongoServerError({ message: 'E11000 duplicate key', code: 11000 }))).toMatchObject({ status: 500 });
    expect(answerTo(new ApiError(409, 'SLOT_UNAVAILABLE', 'taken'))).toMatchObject({
      status: 409,
      error: expect.objectContaining({ code: 'SLOT_UNAVAILABLE' }),
    });
  });
});
