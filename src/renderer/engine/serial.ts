/**
 * Runs async tasks one after another per key (e.g. per peer), so that frames
 * from one sender are handled in the order they came even when each takes an
 * async step (decryption) of varying length. Different keys run side by side.
 */
export function createSerialQueues(): <T>(key: string, task: () => Promise<T>) => Promise<T> {
  const tails = new Map<string, Promise<unknown>>();
  return <T>(key: string, task: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(task, task);
    tails.set(key, run);
    const clear = () => {
      if (tails.get(key) === run) tails.delete(key);
    };
    run.then(clear, clear);
    return run;
  };
}
