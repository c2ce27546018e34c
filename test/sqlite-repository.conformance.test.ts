import { join } from 'node:path';
import { afterAll } from 'vitest';
import { SqliteRepository } from '../src/adapters/sqlite/index.js';
import { runRepositoryConformance } from '../src/testing/index.js';
import { makeTempDir } from './support/temp-dir.js';

const directory = await makeTempDir('sqlite-conformance');
const filenames = new WeakMap<SqliteRepository, string>();
let files = 0;

afterAll(() => directory.remove());

await runRepositoryConformance({
  name: 'SqliteRepository',
  async makeRepository() {
    files += 1;
    const filename = join(directory.path, `test-${files}.db`);
    const repository = new SqliteRepository({ filename });
    await repository.migrate();
    filenames.set(repository, filename);
    return repository;
  },
  // Another connection to the same file, as another process would open.
  openSibling: (repository) =>
    new SqliteRepository({ filename: filenames.get(repository) ?? '', changeCheckMs: 20 }),
  cleanup: (repository) => repository.close(),
});
