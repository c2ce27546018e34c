import type { Repository } from '../repository/repository.js';

/** How `runRepositoryConformance` gets the repositories it checks. */
export interface RepositoryConformanceOptions<R extends Repository = Repository> {
  /** Names the suite, e.g. `'PostgresRepository'`. */
  name: string;
  /** Returns an empty repository, ready for use (migrated). Called before every test. */
  makeRepository(): Promise<R> | R;
  /**
   * Opens another repository on the same storage as `repository`, as a second process would. With
   * it, the concurrency and notification tests run across instances; without it (storage that
   * cannot be shared, like `MemoryRepository`'s) they run against the one instance.
   */
  openSibling?(repository: R): Promise<R> | R;
  /** Releases a repository that `makeRepository` or `openSibling` returned; runs after each test. */
  cleanup?(repository: R): Promise<void> | void;
}
