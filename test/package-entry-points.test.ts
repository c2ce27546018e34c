import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  dependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, unknown>;
};

/** Names each entry point must export, by the specifier a user imports. */
const expectedApi: Record<string, string[]> = {
  hookline: [
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
  ],
  'hookline/testing': ['RecordingTransport', 'runRepositoryConformance'],
  'hookline/postgres': ['PostgresRepository', 'postgresMigrations'],
  'hookline/sqlite': ['SqliteRepository', 'sqliteMigrations'],
  'hookline/http': ['createManagementHandler', 'toNodeListener', 'contentSecurityPolicy'],
};

/** Imports the built package the way a user's ESM code would, in a fresh Node, all at once. */
function exportedNames(specifiers: string[]): Record<string, string[]> {
  const script = `const names = {};
for (const specifier of ${JSON.stringify(specifiers)}) {
  names[specifier] = Object.keys(await import(specifier)).sort();
}
console.log(JSON.stringify(names));`;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: root,
  });
  return JSON.parse(output.toString()) as Record<string, string[]>;
}

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
  it('points every subpath at built JavaScript and types that exist', () => {
    const subpaths = Object.entries(manifest.exports).filter(
      (entry): entry is [string, { types: string; default: string }] =>
        typeof entry[1] !== 'string',
    );
    for (const [subpath, target] of subpaths) {
      expect(existsSync(join(root, target.default)), subpath).toBe(true);
      expect(existsSync(join(root, target.types)), subpath).toBe(true);
    }
    // Each of them has its API checked below.
    expect(subpaths.map(([subpath]) => subpath.replace(/^\./, 'hookline')).sort()).toEqual(
      Object.keys(expectedApi).sort(),
    );
  });

  describe('exposes its API from the built output, imported in a fresh Node', () => {
    let names: Record<string, string[]> = {};
    beforeAll(() => {
      names = exportedNames(Object.keys(expectedApi));
    });

    it.each(Object.entries(expectedApi))('%s', (specifier, expected) => {
      expect(names[specifier]).toEqual(expect.arrayContaining(expected));
    });
  });

  it('loads no database driver and no vitest from hookline or hookline/testing', () => {
    for (const entry of ['src/index.ts', 'src/testing/index.ts']) {
      const { packages } = runtimeImports(entry);
      expect(
        [...packages].filter((name) => ['pg', 'better-sqlite3', 'vitest'].includes(name)),
      ).toEqual([]);
    }
  });

  it('loads each driver only from its own subpath', () => {
    const postgres = runtimeImports('src/adapters/postgres/index.ts').packages;
    const sqlite = runtimeImports('src/adapters/sqlite/index.ts').packages;
    expect([postgres.has('pg'), postgres.has('better-sqlite3')]).toEqual([true, false]);
    expect([sqlite.has('better-sqlite3'), sqlite.has('pg')]).toEqual([true, false]);
  });

  it('leaves the drivers to the user: optional peer dependencies, not dependencies', () => {
    for (const driver of ['pg', 'better-sqlite3']) {
      expect(manifest.peerDependenciesMeta[driver]).toEqual({ optional: true });
      expect(manifest.dependencies[driver]).toBeUndefined();
    }
  });
});
