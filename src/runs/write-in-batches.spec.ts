import { Observable, Subject, throwError } from 'rxjs';
import { writeInBatches } from './write-in-batches';

/** A write that stays pending until `settle` is called. */
function controlledWrite() {
  const batches: number[][] = [];
  const settles: { resolve: () => void; reject: (error: Error) => void }[] = [];
  const write = (batch: number[]) =>
    new Promise<void>((resolve, reject) => {
      batches.push(batch);
      settles.push({ resolve, reject });
    });
  return { batches, write, settle: (i: number) => settles[i].resolve(), fail: (i: number, error: Error) => settles[i].reject(error) };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe(writeInBatches.name, () => {
  it('writes the first value at once and the values that arrive during a write as the next batch, in order', async () => {
    const source = new Subject<number>();
    const { batches, write, settle } = controlledWrite();
    const done = writeInBatches(source, write);

    source.next(1);
    source.next(2);
    source.next(3);
    expect(batches).toEqual([[1]]);
    settle(0);
    await flush();
    expect(batches).toEqual([[1], [2, 3]]);
    source.next(4);
    source.complete();
    settle(1);
    await flush();
    expect(batches).toEqual([[1], [2, 3], [4]]);
    let resolved = false;
    void done.then(() => (resolved = true));
    await flush();
    expect(resolved).toBe(false);
    settle(2);
    await expect(done).resolves.toBeUndefined();
  });

  it('resolves at once for a source that completes with nothing to write', async () => {
    const write = jest.fn(async () => undefined);
    const source = new Subject<number>();
    const done = writeInBatches(source, write);
    source.complete();
    await expect(done).resolves.toBeUndefined();
    expect(write).not.toHaveBeenCalled();
  });

  it('rejects on the first failed write, unsubscribes and writes nothing after it', async () => {
    const source = new Subject<number>();
    const { batches, write, fail } = controlledWrite();
    const done = writeInBatches(source, write);
    source.next(1);
    source.next(2);
    fail(0, new Error('disk I/O error'));

    await expect(done).rejects.toThrow('disk I/O error');
    expect(source.observed).toBe(false);
    source.next(3);
    expect(batches).toEqual([[1]]);
  });

  it('rejects when a write throws synchronously, even while the source emits during the subscription', async () => {
    let unsubscribed = false;
    const source = new Observable<number>((subscriber) => {
      subscriber.next(1);
      subscriber.next(2);
      return () => (unsubscribed = true);
    });
    const write = jest.fn(() => {
      throw new Error('sync failure');
    });
    await expect(writeInBatches(source, write as unknown as (batch: number[]) => Promise<void>)).rejects.toThrow('sync failure');
    expect(write).toHaveBeenCalledTimes(1);
    expect(unsubscribed).toBe(true);
  });

  it('rejects with the source’s error', async () => {
    await expect(writeInBatches(throwError(() => new Error('engine failed')), async () => undefined)).rejects.toThrow('engine failed');
  });
});
