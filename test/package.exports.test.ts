import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;
const packageJson = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as {
  exports: Record<string, string | { types: string; default: string }>;
};

/** Imports a subpath of the built package the way a user's ESM code would, in a fresh Node. */
function exportedNames(specifier: string): string[] {
  const script = `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()))`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
  });
  return JSON.parse(output.toString()) as string[];
}

describe('package exports (built output)', () => {
  it('exposes the public API from "hookline"', () => {
    expect(exportedNames('hookline')).toEqual(
      expect.arrayContaining([
        'WebhookManager',
        'MemoryRepository',
        'UndiciTransport',
        'HooklineError',
        'HooklineValidationError',
        'HooklineNotFoundError',
        'generateSecret',
        'verifyWebhook',
        'defaultCatalog',
        'defaultRetrySchedule',
      ]),
    );
  });

  it('exposes the fakes from "hookline/testing"', () => {
    expect(exportedNames('hookline/testing')).toEqual(
      expect.arrayContaining(['RecordingTransport']),
    );
  });

  it('points every subpath at files that exist, with types', () => {
    for (const [subpath, target] of Object.entries(packageJson.exports)) {
      if (typeof target === 'string') continue;
      expect(
        () => readFileSync(new URL(`../${target.default}`, import.meta.url)),
        subpath,
      ).not.toThrow();
      expect(
        () => readFileSync(new URL(`../${target.types}`, import.meta.url)),
        subpath,
      ).not.toThrow();
    }
  });
});
