// Jest's order (files that failed last time, then the longest by recorded time or, on a fresh
// machine, by size), except that files with a `// @slow` line at the top start first: a short
// file that runs for minutes (the chaos run) would otherwise start last and keep one worker busy
// while the others have finished.
import { readFileSync } from 'node:fs';
import Sequencer from '@jest/test-sequencer';

const marked = new Map();
function isSlow(path) {
  if (!marked.has(path)) marked.set(path, /^\/\/ @slow\b/m.test(readFileSync(path, 'utf8').slice(0, 1000)));
  return marked.get(path);
}

export default class SlowFirstSequencer extends Sequencer {
  async sort(tests) {
    const ordered = await super.sort(tests);
    return [...ordered.filter((test) => isSlow(test.path)), ...ordered.filter((test) => !isSlow(test.path))];
  }
}
