import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transportErrorCodes } from '../src/errors.js';

function sourceFiles(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every stable code the source can produce: thrown error codes and codes recorded on attempts. */
function codesInSource(): Set<string> {
  const codes = new Set<string>(transportErrorCodes);
  for (const file of sourceFiles(new URL('../src', import.meta.url).pathname)) {
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:code: |super\()'([A-Z][A-Z_]+)'/g))
      codes.add(match[1] as string);
  }
  return codes;
}

describe('README', () => {
  it('documents every error code', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const codes = codesInSource();
    expect(codes.size).toBeGreaterThan(15);
    const undocumented = [...codes].filter((code) => !readme.includes(`\`${code}\``));
    expect(undocumented).toEqual([]);
  });
});
