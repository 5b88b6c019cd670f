import { type MetadataStorage, getMetadataStorage } from 'class-validator';

type Rules = ReturnType<MetadataStorage['getTargetValidationMetadatas']>;
type RulesByProperty = ReturnType<MetadataStorage['groupByPropertyName']>;

/**
 * class-validator looks a class's rules up again on every object it validates: it walks every class
 * it knows (an `instanceof` per class, for inherited rules), filters their rules, then groups them by
 * property — a few per cent of every service's CPU under load, for every message and request body. The
 * rules are fixed once the decorators ran, so each answer is kept per class and options, and everything
 * kept is forgotten whenever a rule, constraint or schema is added (a class loaded later). Installed
 * once per process, on class-validator's global storage, by importing this module.
 */
function cacheValidationRules(storage: MetadataStorage): void {
  const patched = storage as MetadataStorage & { rulesCached?: true };
  if (patched.rulesCached) return;
  patched.rulesCached = true;

  let rules = new WeakMap<object, Map<string, Rules>>();
  let byProperty = new WeakMap<Rules, RulesByProperty>();
  const forget = () => {
    rules = new WeakMap();
    byProperty = new WeakMap();
  };

  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let forTarget = rules.get(target);
    if (!forTarget) rules.set(target, (forTarget = new Map()));
    let found = forTarget.get(key);
    if (!found) forTarget.set(key, (found = lookUp(target, schema, always, strictGroups, groups)));
    return found;
  };

  const group = storage.groupByPropertyName.bind(storage);
  storage.groupByPropertyName = (metadata) => {
    let grouped = byProperty.get(metadata);
    if (!grouped) byProperty.set(metadata, (grouped = group(metadata)));
    return grouped;
  };

  for (const method of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const add = storage[method].bind(storage) as (item: never) => void;
    (storage as unknown as Record<string, (item: never) => void>)[method] = (item) => {
      forget();
      add(item);
    };
  }
}

cacheValidationRules(getMetadataStorage());
