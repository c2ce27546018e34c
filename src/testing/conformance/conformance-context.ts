import type { Repository } from '../../repository/repository.js';

/** What each group of conformance tests gets: the repository of the running test, and siblings. */
export interface ConformanceContext {
  /** A fresh, empty repository for the running test. */
  readonly repository: Repository;
  /** Whether `siblings` opens separate instances on the same storage. */
  readonly sharedStorage: boolean;
  /** `count` repositories on the test's storage: separate instances when storage can be shared. */
  siblings(count: number): Promise<Repository[]>;
}
