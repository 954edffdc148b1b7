import type { Logger } from "../lib/logger.ts";

/**
 * Runs the worker's passes over the queue one at a time. A wake during a pass asks for one more
 * pass after it (it may have come after the pass looked), and those waiting for the worker to go
 * idle are told once a pass finds nothing due and nothing running.
 */
export function createSerialPump(
  pass: () => Promise<"idle" | "busy">,
  options: { logger: Logger; again: () => boolean },
) {
  let pumping = false;
  let again = false;
  const idleWaiters: Array<() => void> = [];

  async function pump() {
    if (pumping) {
      again = true;
      return;
    }
    pumping = true;
    try {
      let state: "idle" | "busy";
      do {
        again = false;
        state = await pass();
      } while (again && options.again());
      if (state === "idle") for (const done of idleWaiters.splice(0)) done();
    } catch (error) {
      options.logger.error("worker could not read the queue", { error });
    } finally {
      pumping = false;
    }
  }

  return {
    pump,
    /** Resolves once a pass started after this call finds the worker idle. */
    idle(): Promise<void> {
      const settled = new Promise<void>((done) => idleWaiters.push(done));
      void pump();
      return settled;
    },
  };
}
