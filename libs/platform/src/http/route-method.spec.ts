import 'reflect-metadata';
import { Body, HttpCode, Param, Post, SetMetadata } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { IdempotencyKey } from './actor.js';
import { addRouteMethod } from './route-method.js';

class Note {
  text?: string;
}

class Written {
  @Post(':id/note')
  @SetMetadata('roles', ['provider'])
  @HttpCode(200)
  note(@Param('id') id: string, @Body() body: Note, @IdempotencyKey() key: string) {
    return { id, body, key };
  }
}

class Added {}
addRouteMethod<Added>(Added, 'note', {
  decorators: [Post(':id/note'), SetMetadata('roles', ['provider']), HttpCode(200)],
  parameters: {
    id: { type: String, decorator: Param('id') },
    body: { type: Note, decorator: Body() },
    key: { type: String, decorator: IdempotencyKey() },
  },
  handle: (args) => args,
});

/** Every metadata entry Nest and its validation read for a handler, in the order they were defined. */
function routeMetadata(controller: { prototype: object }) {
  const handler = (controller.prototype as Record<string, object>)['note']!;
  return {
    onHandler: Reflect.getMetadataKeys(handler).map((key) => [key, Reflect.getMetadata(key, handler)]),
    onMethod: Reflect.getMetadataKeys(controller.prototype, 'note').map((key) => [key, Reflect.getMetadata(key, controller.prototype, 'note')]),
    argumentOrder: Object.keys(Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.prototype.constructor, 'note') ?? {}),
    arguments: Reflect.getMetadata(ROUTE_ARGS_METADATA, controller.prototype.constructor, 'note'),
  };
}

describe('addRouteMethod', () => {
  it('leaves the same metadata as the same route written in the class body', () => {
    expect(routeMetadata(Added)).toEqual(routeMetadata(Written));
    expect(Object.getOwnPropertyDescriptor(Added.prototype, 'note')).toMatchObject({ enumerable: false, writable: true, configurable: true });
  });

  it('hands the handler its arguments by name', () => {
    const body = { text: 'hello' };
    expect((new Added() as unknown as Written).note('b-1', body, 'key-0001')).toEqual(new Written().note('b-1', body, 'key-0001'));
  });

  it('refuses to replace a method the class already has', () => {
    expect(() => addRouteMethod(Written, 'note', { decorators: [], parameters: {}, handle: () => undefined })).toThrow('Written.note is already defined');
  });
});
