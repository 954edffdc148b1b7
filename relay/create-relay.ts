import { randomUUID } from "node:crypto";
import type { RequestListener } from "node:http";
import express from "express";
import type { GitHubClients } from "../deployment/create-github-clients.ts";
import { errorMiddleware } from "../lib/error-middleware.ts";
import { metricsEndpoint } from "../lib/metrics-endpoint.ts";
import type { Logger } from "../lib/logger.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { RelayStores } from "../store/stores.ts";
import type { RelayConfig } from "../config/load-relay-config.ts";
import type { OpenWebUIChat } from "../deployment/create-open-webui-chat.ts";
import { createAdminApi } from "./admin-api.ts";
import { createDeliveriesPage } from "./deliveries-page.ts";
import { createDeliveryProcessor } from "./process-delivery.ts";
import { reconcileDeliveries } from "./reconcile-deliveries.ts";
import { createRelayMetrics } from "./relay-metrics.ts";
import { createWebhookHandler } from "./webhook-handler.ts";
import { createWorker } from "./worker.ts";

export interface RelayDependencies {
  stores: RelayStores;
  logger: Logger;
  /** The deployment's secrets, never to be posted. */
  secrets: readonly string[];
  github: GitHubClients;
  openWebUI: OpenWebUIChat;
  pollIntervalMs?: number;
  /** GitHub's comment limits with shorter windows, for tests. */
  commentLimits?: readonly WriteLimit[];
}

/** The hook's URL may carry a query string or a trailing slash. */
function isWebhookPath(url: string | undefined): boolean {
  const path = (url ?? "").split("?")[0]!;
  return path === "/webhook/github" || path === "/webhook/github/";
}

/** Wires the relay (webhook endpoint, worker, admin pages) with the deployment's clients; listens nowhere. */
export function createRelay(config: Readonly<RelayConfig>, deps: RelayDependencies) {
  const { stores, logger, secrets } = deps;
  const { deliveries, coordination } = stores;
  const { registry, observer } = createRelayMetrics({ deliveries, processMetrics: true });
  const { github, app: appClient, ownLogin } = deps.github;
  deps.github.onRateLimit(observer.githubRateLimit);
  deps.openWebUI.onError(observer.modelError);
  const openWebUI = deps.openWebUI.client;
  const worker = createWorker({
    queue: stores.queue,
    coordination,
    logger,
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    pollIntervalMs: deps.pollIntervalMs ?? config.pollIntervalMs,
    maxAttempts: config.maxAttempts,
    retry: config.retry,
    writeLimits: deps.commentLimits ?? config.github.commentLimits,
    secrets,
    observer,
    process: createDeliveryProcessor({
      runs: stores.runs,
      coordination,
      github,
      openWebUI,
      model: config.openWebUI.model,
      toolServerId: config.openWebUI.toolServerId,
      commentFallback: config.commentFallback,
      ownLogin: ownLogin.resolve,
      secrets,
      commentLimits: deps.commentLimits ?? config.github.commentLimits,
      commentTiming: { budgetWaitMs: config.github.commentBudgetWaitMs, lockMs: config.github.commentLockMs },
      allowList: config.github.allowList,
      logger,
      observer,
    }),
  });
  const webhookHandler = createWebhookHandler({
    secret: config.webhookSecret,
    deliveries,
    allowList: config.github.allowList,
    ownLogin: ownLogin.known,
    onQueued: () => worker.wake(),
    logger,
    observer,
  });

  const app = express();
  app.disable("x-powered-by");
  app.get("/health", async (_req, res) => {
    res.json({ status: "ok", deliveries: await deliveries.counts() });
  });
  app.use(metricsEndpoint(registry, config.metricsToken));
  app.use("/api", createAdminApi({ deliveries, token: config.adminToken, onReplay: () => worker.wake(), logger }));
  app.use(createDeliveriesPage({ deliveries, token: config.adminToken, openWebUIUrl: config.openWebUI.publicUrl, onReplay: () => worker.wake(), logger }));
  app.use((_req, res) => {
    res.status(404).json({ detail: "Not found. GitHub webhooks go to POST /webhook/github." });
  });
  app.use(errorMiddleware(logger));

  let reconciler: NodeJS.Timeout | undefined;
  let firstRound: NodeJS.Timeout | undefined;
  // The webhook bypasses express: it reads the raw bytes itself (the signature is over them), and
  // express's per-request work would cost much of the acknowledgement path's throughput.
  const handler: RequestListener = (req, res) => {
    if (req.method !== "POST" || !isWebhookPath(req.url)) return void app(req, res);
    const started = performance.now();
    res.once("finish", () => observer.webhookAnswered(res.statusCode, (performance.now() - started) / 1000));
    void webhookHandler(req, res);
  };
  return {
    handler,
    worker,
    /** The relay's metrics, as GET /metrics serves them. */
    registry,
    /** Starts the worker (unless RELAY_WORKER is off) and the webhook's reconciliation. */
    start() {
      void ownLogin.resolve();
      if (config.workerEnabled) worker.start();
      const { reconcile } = config;
      if (reconcile) {
        // An app's own webhook log is read with the app's JWT, not the token.
        const reader = reconcile.hook.kind === "app" && appClient ? appClient : github;
        let busy = false;
        const roundOwner = randomUUID();
        // One round at a time; the first right after startup, when the last outage's failures are fresh.
        const round = async () => {
          if (busy) return;
          busy = true;
          try {
            // Replicas sharing a store take turns: one round per interval for all, not one each. Never unlocked, it lapses.
            if (!(await coordination.tryLock("reconcile", roundOwner, Math.floor(reconcile.intervalMs * 0.9)))) return;
            const result = await reconcileDeliveries({ github: reader, hook: reconcile.hook, deliveries, windowMs: reconcile.windowMs, logger });
            logger.info("reconciled the webhook's deliveries", { checked: result.checked, failed: result.failed, redelivered: result.redelivered.length });
          } catch (error) {
            logger.warn("could not reconcile the webhook's deliveries", { error: error instanceof Error ? error.message : String(error) });
          } finally {
            busy = false;
          }
        };
        reconciler = setInterval(() => void round(), reconcile.intervalMs);
        reconciler.unref();
        firstRound = setTimeout(() => void round(), 1_000);
        firstRound.unref();
      }
    },
    /** Stops taking work; runs still going after the grace period (RELAY_SHUTDOWN_GRACE_MS unless given) go back to the queue. */
    async close(graceMs = config.shutdownGraceMs) {
      clearInterval(reconciler);
      clearTimeout(firstRound);
      await worker.stop(graceMs);
    },
  };
}
