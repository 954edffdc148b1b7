import { randomUUID } from "node:crypto";
import type { Octokit } from "@octokit/rest";
import type { Logger } from "../lib/logger.ts";
import type { Coordination } from "../store/coordination.ts";
import type { DeliveryLog } from "../store/delivery-log.ts";
import { reconcileDeliveries, type HookRef } from "./reconcile-deliveries.ts";

export interface ReconciliationOptions {
  /** Reads the hook's delivery log: for an app's own webhook, the client with the app's JWT. */
  github: Octokit;
  hook: HookRef;
  intervalMs: number;
  windowMs: number;
  deliveries: DeliveryLog;
  coordination: Coordination;
  logger: Logger;
}

/** Reconciles the webhook's deliveries every `intervalMs` until the returned function is called. */
export function startReconciliation(options: ReconciliationOptions): () => void {
  const { hook, intervalMs, windowMs, deliveries, coordination, logger } = options;
  let busy = false;
  const roundOwner = randomUUID();
  // One round at a time; the first right after startup, when the last outage's failures are fresh.
  const round = async () => {
    if (busy) return;
    busy = true;
    try {
      // Replicas sharing a store take turns: one round per interval for all, not one each. Never unlocked, it lapses.
      if (!(await coordination.tryLock("reconcile", roundOwner, Math.floor(intervalMs * 0.9)))) return;
      const result = await reconcileDeliveries({ github: options.github, hook, deliveries, windowMs, logger });
      logger.info("reconciled the webhook's deliveries", {
        checked: result.checked,
        failed: result.failed,
        redelivered: result.redelivered.length,
      });
    } catch (error) {
      logger.warn("could not reconcile the webhook's deliveries", {
        error: error instanceof Error ? error.message : String(error),
      });
    } finally {
      busy = false;
    }
  };
  const reconciler = setInterval(() => void round(), intervalMs);
  reconciler.unref();
  const firstRound = setTimeout(() => void round(), 1_000);
  firstRound.unref();
  return () => {
    clearInterval(reconciler);
    clearTimeout(firstRound);
  };
}
