import { RESPONSE_CONTRACTS } from './index.js';

/** JSON Schema keywords an OpenAPI 3.0 schema object does not have (TypeBox writes some of them by default). */
const NOT_IN_OPENAPI_3_0 = ['const', 'patternProperties', '$id', 'examples', 'prefixItems', 'unevaluatedProperties', '$defs'];

function walk(node: unknown, visit: (key: string, value: unknown, path: string) => void, path = ''): void {
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    visit(key, value, `${path}/${key}`);
    walk(value, visit, `${path}/${key}`);
  }
}

describe('the response contracts as OpenAPI 3.0 schemas', () => {
  const published = JSON.parse(JSON.stringify(RESPONSE_CONTRACTS)) as Record<string, unknown>;

  it('refer only to contracts that exist', () => {
    const dangling: string[] = [];
    walk(published, (key, value, path) => {
      if (key === '$ref' && !(String(value).replace('#/components/schemas/', '') in RESPONSE_CONTRACTS)) dangling.push(`${path} → ${String(value)}`);
    });
    expect(dangling).toEqual([]);
  });

  it('use no keyword OpenAPI 3.0 lacks, and spell null as nullable', () => {
    const foreign: string[] = [];
    walk(published, (key, value, path) => {
      if (NOT_IN_OPENAPI_3_0.includes(key) && !path.includes('/properties/' + key)) foreign.push(path);
      if (key === 'type' && (value === 'null' || Array.isArray(value))) foreign.push(`${path}: ${JSON.stringify(value)}`);
    });
    expect(foreign).toEqual([]);
  });
});
