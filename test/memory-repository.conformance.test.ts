import { MemoryRepository } from '../src/index.js';
import { runRepositoryConformance } from '../src/testing/index.js';

await runRepositoryConformance({
  name: 'MemoryRepository',
  makeRepository: () => new MemoryRepository(),
});
