import { randomUUID } from "node:crypto";
import express from "express";
import { appClientFor, githubClientFor, type GitHubClientTuning } from "../github/create-github-client.ts";
import { createOwnLogin } from "../github/own-login.ts";
import { errorMiddleware } from "../lib/error-middleware.ts";
import { listen } from "../lib/listen.ts";
import { metricsEndpoint } from "../lib/metrics-endpoint.ts";
import type { Logger } from "../lib/logger.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { RelayStores } from "../store/stores.ts";
import type { RelayConfig } from "./load-relay-config.ts";
import { createOpenWebUIClient } from "./open-webui-client.ts";
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
  /** Open WebUI's client uses it too. */
  fetch?: typeof fetch;
  github?: GitHubClientTuning;
  host?: string;
  pollIntervalMs?: number;
  /** GitHub's comment limits with shorter windows, for tests. */
  commentLimits?: readonly WriteLimit[];
}

/** The hook's URL may carry a query string or a trailing slash. */
function isWebhookPath(url: string | undefined): boolean {
  const path = (url ?? "").split("?")[0]!;
  return path === "/webhook/github" || path === "/webhook/github/";
}

/** Wires the relay: webhook endpoint, worker and clients. Used by bin/ and by tests. */
export async function startRelay(config: Readonly<RelayConfig>, deps: RelayDependencies) {
  const { stores, logger } = deps;
  const { deliveries, coordination } = stores;
  const { registry, observer } = createRelayMetrics({ deliveries, processMetrics: true });
  const tuning = { ...(deps.fetch ? { fetch: deps.fetch } : {}), ...deps.github };
  // The installations' budget; the app client's JWT requests (its slug, reconciling) count against the app.
  const github = githubClientFor(config.github, logger, { ...tuning, onRateLimit: observer.githubRateLimit });
  // As a GitHub App, the JWT client reads the app's slug (its bot login) and the app's own webhook log.
  const appClient = config.github.app ? appClientFor(config.github, config.github.app, logger, tuning) : undefined;
  const ownLogin = createOwnLogin({ github, configured: config.github.botLogin, logger, ...(appClient ? { app: appClient } : {}) });
  const openWebUI = createOpenWebUIClient({
    baseUrl: config.openWebUI.url,
    apiKey: config.openWebUI.apiKey,
    completionTimeoutMs: config.openWebUI.timeoutMs,
    requestTimeoutMs: 30_000,
    onError: observer.modelError,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const worker = createWorker({
    queue: stores.queue,
    coordination,
    logger,
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    pollIntervalMs: deps.pollIntervalMs ?? 5_000,
    maxAttempts: config.maxAttempts,
    retry: config.retry,
    writeLimits: deps.commentLimits ?? config.github.commentLimits,
    secrets: config.secrets,
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
      secrets: config.secrets,
      commentLimits: deps.commentLimits ?? config.github.commentLimits,
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

  void ownLogin.resolve();
  if (config.workerEnabled) worker.start();
  let reconciler: NodeJS.Timeout | undefined;
  let firstRound: NodeJS.Timeout | undefined;
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
  // The webhook bypasses express: it reads the raw bytes itself (the signature is over them), and
  // express's per-request work would cost much of the acknowledgement path's throughput.
  const stopWork = () => {
    clearInterval(reconciler);
    clearTimeout(firstRound);
  };
  const server = await listen(
    (req, res) => {
      if (req.method !== "POST" || !isWebhookPath(req.url)) return app(req, res);
      const started = performance.now();
      res.once("finish", () => observer.webhookAnswered(res.statusCode, (performance.now() - started) / 1000));
      void webhookHandler(req, res);
    },
    config.port,
    deps.host ?? "0.0.0.0",
    config.server,
  ).catch(async (error: unknown) => {
    // A port already in use: a caller that starts again elsewhere must not be left with this one's worker.
    stopWork();
    await worker.stop(0);
    throw error;
  });
  logger.info("relay listening", { url: server.url, model: config.openWebUI.model, toolServer: `server:${config.openWebUI.toolServerId}` });
  return {
    url: server.url,
    worker,
    /** The relay's metrics, as GET /metrics serves them. */
    registry,
    /** Stops taking webhooks and work; runs still going after the grace period go back to the queue. */
    async close() {
      stopWork();
      await Promise.all([server.close(), worker.stop(config.shutdownGraceMs)]);
    },
  };
}
