import type { mongo } from 'mongoose';
import type { MigrationContext } from './migration.js';

const NAMESPACE_NOT_FOUND = 26;

export interface NamedIndex {
  name: string;
  keys: mongo.IndexSpecification;
  options?: Omit<mongo.CreateIndexesOptions, 'name'>;
}

export async function indexNames(db: mongo.Db, collection: string): Promise<string[]> {
  try {
    return (await db.collection(collection).listIndexes().toArray()).map((index) => index['name'] as string);
  } catch (error) {
    if ((error as { code?: number }).code === NAMESPACE_NOT_FOUND) return [];
    throw error;
  }
}

/** Creates the indexes (by name, so running again is a no-op). */
export async function createNamedIndexes(context: MigrationContext, collection: string, indexes: readonly NamedIndex[]): Promise<void> {
  for (const { name, keys, options } of indexes) {
    await context.db.collection(collection).createIndex(keys, { ...options, name });
    context.log(`${collection}: index ${name} in place`);
  }
}

/** Drops the named indexes that exist (so running again is a no-op). */
export async function dropNamedIndexes(context: MigrationContext, collection: string, names: readonly string[]): Promise<void> {
  const present = new Set(await indexNames(context.db, collection));
  for (const name of names.filter((n) => present.has(n))) {
    await context.db.collection(collection).dropIndex(name);
    context.log(`${collection}: index ${name} dropped`);
  }
}
