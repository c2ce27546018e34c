import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('..', import.meta.url).pathname;

/** Runs an example as a newcomer would (through tsx), and returns what it printed. */
async function example(file: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', file, ...args], {
    cwd: root,
    timeout: 60_000,
  });
  return stdout;
}

// Examples are documentation: these keep them running as the code changes.
describe('examples', () => {
  it('quickstart prints the activity log with a retried call', async () => {
    const output = await example('examples/quickstart.ts');
    expect(output).toContain('Activity log');
    expect(output).toContain('dispatch:500 auto_retry:200');
    expect(output).toContain('5 calls');
  });

  it('sqlite delivers after a restart what the first process stored', async () => {
    const output = await example('examples/sqlite.ts');
    expect(output.match(/success after dispatch:503 auto_retry:200/g)).toHaveLength(3);
  });

  it('postgres commits one dispatch and rolls the other back', async () => {
    const output = await example('examples/postgres.ts');
    expect(output).toContain('calls stored: a-1=success');
    expect(output).not.toContain('receiver: item publish a-2');
  });

  it('verify-receiver verifies every delivery', async () => {
    const output = await example('examples/verify-receiver.ts');
    expect(output.match(/^verified /gm)).toHaveLength(4);
    expect(output).not.toContain('refused');
  });

  it('admin-server serves the page and exits by itself', async () => {
    const output = await example('examples/admin-server.ts', '--exit-after', '0');
    expect(output).toContain('Activity log: http://127.0.0.1:');
  });
});
