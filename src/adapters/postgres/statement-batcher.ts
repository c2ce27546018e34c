interface Pending<Input, Output> {
  input: Input;
  resolve(output: Output): void;
  reject(error: unknown): void;
}

export interface StatementBatcherOptions<Input> {
  /** The most inputs in one batch. */
  maxBatch: number;
  /** The most batches running at once. */
  maxInFlight: number;
  /** May keep an input out of a batch; it then goes in a later one. Default: always joins. */
  canJoin?: (batch: readonly Input[], input: Input) => boolean;
}

/**
 * Groups calls of one statement into batches without waiting on a timer: a call goes out at once
 * while fewer than `maxInFlight` batches run; calls made while all are busy go out together when
 * one returns. Under load each round trip (and commit) serves many callers; when idle, a caller
 * waits for nothing.
 */
export class StatementBatcher<Input, Output> {
  readonly #run: (inputs: Input[]) => Promise<PromiseSettledResult<Output>[]>;
  readonly #options: StatementBatcherOptions<Input>;
  #queue: Pending<Input, Output>[] = [];
  #inFlight = 0;

  /** `run` settles each input, in order; if it throws, every input of the batch fails with it. */
  constructor(
    run: (inputs: Input[]) => Promise<PromiseSettledResult<Output>[]>,
    options: StatementBatcherOptions<Input>,
  ) {
    this.#run = run;
    this.#options = options;
  }

  push(input: Input): Promise<Output> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ input, resolve, reject });
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#inFlight < this.#options.maxInFlight && this.#queue.length > 0) {
      const batch = this.#take();
      this.#inFlight += 1;
      this.#run(batch.map((pending) => pending.input))
        .then(
          (outcomes) => {
            batch.forEach((pending, index) => {
              const outcome = outcomes[index];
              if (outcome?.status === 'fulfilled') pending.resolve(outcome.value);
              else pending.reject(outcome?.reason ?? new Error('the batch returned no outcome'));
            });
          },
          (error: unknown) => {
            for (const pending of batch) pending.reject(error);
          },
        )
        .finally(() => {
          this.#inFlight -= 1;
          this.#pump();
        });
    }
  }

  #take(): Pending<Input, Output>[] {
    const canJoin = this.#options.canJoin ?? (() => true);
    const batch: Pending<Input, Output>[] = [];
    const inputs: Input[] = [];
    const rest: Pending<Input, Output>[] = [];
    for (const pending of this.#queue) {
      if (batch.length < this.#options.maxBatch && canJoin(inputs, pending.input)) {
        batch.push(pending);
        inputs.push(pending.input);
      } else {
        rest.push(pending);
      }
    }
    this.#queue = rest;
    return batch;
  }
}
