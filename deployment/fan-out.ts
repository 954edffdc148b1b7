/** One callback handed to a shared client, passed on to each service that listens (their own metrics). */
export function fanOut<Args extends unknown[]>() {
  const listeners = new Set<(...args: Args) => void>();
  return {
    emit: (...args: Args) => {
      for (const listener of listeners) listener(...args);
    },
    listen(listener: (...args: Args) => void) {
      listeners.add(listener);
    },
  };
}
