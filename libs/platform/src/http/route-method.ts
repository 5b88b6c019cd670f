import type { Type } from '@nestjs/common';

/** One argument of a route handler: its design type (what validation and OpenAPI read) and the decorator that supplies it. */
export interface RouteParameter {
  type: Type<unknown> | typeof Object | typeof String;
  decorator: ParameterDecorator;
}

export interface RouteMethod<Controller> {
  /** Method decorators, in the order they would be written above the method (@Post first). */
  decorators: MethodDecorator[];
  /** The handler's arguments, in order, by name. */
  parameters: Record<string, RouteParameter>;
  /** The handler's body; it receives the arguments by name. */
  handle: (this: Controller, args: Record<string, unknown>) => unknown;
}

/**
 * Adds a route handler to a controller class as if it had been written in the class body: the same
 * decorators, applied in the same order, with the same design-type metadata, so Nest's router, its
 * pipes and the OpenAPI generator cannot tell it apart. Routes that follow from a table (the booking
 * action catalog) are declared once this way instead of once per row by hand.
 */
export function addRouteMethod<Controller>(
  controller: { readonly prototype: object; readonly name: string },
  methodName: string,
  route: RouteMethod<Controller>,
): void {
  const { prototype } = controller;
  if (Object.hasOwn(prototype, methodName)) throw new Error(`${controller.name}.${methodName} is already defined`);
  const names = Object.keys(route.parameters);
  const handle = route.handle;
  const method = {
    [methodName](this: Controller, ...values: unknown[]) {
      return handle.call(this, Object.fromEntries(names.map((name, index) => [name, values[index]])));
    },
  }[methodName]!;
  const parameters = Object.values(route.parameters);
  const types = parameters.map((parameter) => parameter.type);
  // What TypeScript emits for a decorated method: one list, applied last to first.
  const decorators = [
    ...route.decorators,
    ...parameters.map(({ decorator }, index) => parameterAt(index, decorator)),
    Reflect.metadata('design:type', Function),
    Reflect.metadata('design:paramtypes', types),
    Reflect.metadata('design:returntype', undefined),
  ];
  const descriptor = { value: method, writable: true, configurable: true, enumerable: false };
  Object.defineProperty(prototype, methodName, Reflect.decorate(decorators, prototype, methodName, descriptor));
}

function parameterAt(index: number, decorator: ParameterDecorator): MethodDecorator {
  return (target, key) => decorator(target, key, index);
}
