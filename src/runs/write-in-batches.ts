import type { Observable, Subscription } from 'rxjs';

/**
 * Consumes `source` in order through `write`, several values at a time: the values that arrive
 * while a write is in flight form the next batch, so a burst costs one write, not one per value.
 * Resolves once the source has completed and everything is written; rejects on the first failed
 * write (unsubscribing from the source) or on a source error.
 */
export function writeInBatches<T>(source: Observable<T>, write: (batch: T[]) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: T[] = [];
    let writing = false;
    let completed = false;
    let failed = false;
    let subscription: Subscription | undefined = undefined;
    const fail = (error: unknown) => {
      failed = true;
      subscription?.unsubscribe();
      reject(error);
    };
    const drain = async () => {
      writing = true;
      while (pending.length > 0 && !failed) {
        const batch = pending;
        pending = [];
        try {
          await write(batch);
        } catch (error) {
          fail(error);
          return;
        }
      }
      writing = false;
      if (completed && !failed) resolve();
    };
    subscription = source.subscribe({
      next: (value) => {
        if (failed) return;
        pending.push(value);
        if (!writing) void drain();
      },
      error: (error: unknown) => (failed ? undefined : fail(error)),
      complete: () => {
        completed = true;
        if (!writing && !failed) resolve();
      },
    });
    if (failed) subscription.unsubscribe();
  });
}
