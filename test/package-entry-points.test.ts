import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Modules an entry point loads at run time: static imports and re-exports, type-only ones left out. */
function runtimeImports(entry: string): { files: Set<string>; packages: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [join(root, entry)];
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const source = readFileSync(file, 'utf8');
    const statements = source.matchAll(
      /^(import|export)(\s+type\b)?[^;]*?from\s+'([^']+)'|^import\s+'([^']+)'/gms,
    );
    for (const [, , typeOnly, from, bare] of statements) {
      const specifier = from ?? bare;
      if (!specifier || typeOnly) continue;
      if (specifier.startsWith('.')) {
        pending.push(resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
      } else {
        packages.add(specifier.startsWith('node:') ? 'node' : (specifier.split('/')[0] ?? ''));
      }
    }
  }
  return { files, packages };
}

describe('package entry points', () => {
  it('loads no database driver and no vitest from hookline or hookline/testing', () => {
    for (const entry of ['src/index.ts', 'src/testing/index.ts']) {
      const { packages } = runtimeImports(entry);
      expect(
        [...packages].filter((name) => ['pg', 'better-sqlite3', 'vitest'].includes(name)),
      ).toEqual([]);
    }
  });

  it('loads each driver only from its own subpath', () => {
    expect(runtimeImports('src/adapters/postgres/index.ts').packages.has('pg')).toBe(true);
    expect(runtimeImports('src/adapters/postgres/index.ts').packages.has('better-sqlite3')).toBe(
      false,
    );
    expect(runtimeImports('src/adapters/sqlite/index.ts').packages.has('better-sqlite3')).toBe(
      true,
    );
    expect(runtimeImports('src/adapters/sqlite/index.ts').packages.has('pg')).toBe(false);
  });

  it('exports ./postgres and ./sqlite with types, built from the adapters', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    for (const [subpath, folder] of [
      ['./postgres', 'postgres'],
      ['./sqlite', 'sqlite'],
    ] as const) {
      expect(manifest.exports[subpath]).toEqual({
        types: `./dist/adapters/${folder}/index.d.ts`,
        default: `./dist/adapters/${folder}/index.js`,
      });
      expect(existsSync(join(root, `src/adapters/${folder}/index.ts`))).toBe(true);
    }
    for (const driver of ['pg', 'better-sqlite3']) {
      expect(manifest.peerDependenciesMeta[driver]).toEqual({ optional: true });
      expect(manifest.dependencies[driver]).toBeUndefined();
    }
  });
});
