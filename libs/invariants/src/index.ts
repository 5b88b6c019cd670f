export * from './snapshot.js';
export * from './rules.js';
export * from './read-platform.js';
