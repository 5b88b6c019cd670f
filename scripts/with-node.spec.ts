import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { workspaceRoot } from '@bp/testing';

const pinned = readFileSync(join(workspaceRoot, '.nvmrc'), 'utf8').trim();
const withNode = (...command: string[]) =>
  spawnSync('bash', [join(workspaceRoot, 'scripts/with-node.sh'), ...command], { cwd: workspaceRoot, encoding: 'utf8' });

/** Every npm script runs under scripts/with-node.sh: the Node line .nvmrc pins, installed from npm when the machine has another. */
describe('scripts/with-node.sh', () => {
  it('runs the command on the Node major that .nvmrc pins', () => {
    const run = withNode('node', '-p', 'process.versions.node');
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('.')[0]).toBe(pinned.split('.')[0]);
  });

  it('passes the arguments through untouched and exits with the command’s status', () => {
    const run = withNode('node', '-e', 'console.log(JSON.stringify(process.argv.slice(1))); process.exit(3)', 'a b', '--flag');
    expect(run.status).toBe(3);
    expect(JSON.parse(run.stdout)).toEqual(['a b', '--flag']);
  });

  it('is what every npm script that runs Node goes through', () => {
    const scripts: Record<string, string> = JSON.parse(readFileSync(join(workspaceRoot, 'package.json'), 'utf8')).scripts;
    const runsNode = Object.entries(scripts).filter(([, line]) => /\b(node|tsc|eslint|prettier|jest|npx)\b|scripts\/(test|test-tier|platform)\.sh/.test(line));
    expect(runsNode.length).toBeGreaterThan(10);
    for (const [name, line] of runsNode) expect(`${name}: ${line}`).toMatch(new RegExp(`^${name}: bash scripts/with-node\\.sh `));
  });
});
