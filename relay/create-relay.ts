import type { RequestListener } from "node:http";
import type { GitHubClients } from "../deployment/create-github-clients.ts";
import type { Logger } from "../lib/logger.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { RelayStores } from "../store/stores.ts";
import type { RelayConfig } from "../config/load-relay-config.ts";
import type { OpenWebUIChat } from "../deployment/create-open-webui-chat.ts";
import type { ReloadResult } from "../config/config-holder.ts";
import type { Rule } from "../config/rules-schema.ts";
import { createRelayApp } from "./create-relay-app.ts";
import { createRelayWorker } from "./create-relay-worker.ts";
import { createRelayMetrics } from "./relay-metrics.ts";
import { startReconciliation } from "./start-reconciliation.ts";
import { createWebhookHandler } from "./webhook-handler.ts";

export interface RelayDependencies {
  stores: RelayStores;
  logger: Logger;
  /** The deployment's secrets, never to be posted. */
  secrets: readonly string[];
  github: GitHubClients;
  openWebUI: OpenWebUIChat;
  /** The rules now (relay/rules/builtin-rule.ts effectiveRules); asked for each delivery and each run. */
  rules?: () => readonly Rule[];
  /** Reads the config file again (the deliveries page's "Reload config", the admin API). */
  reloadConfig: () => Promise<ReloadResult>;
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
  const { stores, logger } = deps;
  const { deliveries, coordination } = stores;
  const { registry, observer } = createRelayMetrics({ deliveries, processMetrics: true });
  const { github, app: appClient, ownLogin } = deps.github;
  deps.github.onRateLimit(observer.githubRateLimit);
  deps.openWebUI.onError(observer.modelError);
  const worker = createRelayWorker(config, deps, observer);
  const webhookHandler = createWebhookHandler({
    secret: config.webhookSecret,
    deliveries,
    observations: stores.observations,
    allowList: config.github.allowList,
    ownLogin: ownLogin.known,
    ...(deps.rules ? { rules: deps.rules } : {}),
    onQueued: () => worker.wake(),
    logger,
    observer,
    ...config.webhook,
  });
  const onReplay = () => worker.wake();
  const { reloadConfig } = deps;
  const { observations } = stores;
  const app = createRelayApp(config, {
    deliveries,
    observations,
    coordination,
    registry,
    logger,
    onReplay,
    reloadConfig,
  });

  let stopReconciling: (() => void) | undefined;
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
        stopReconciling = startReconciliation({ github: reader, ...reconcile, deliveries, coordination, logger });
      }
    },
    /** Stops taking work; runs still going after the grace period (RELAY_SHUTDOWN_GRACE_MS unless given) go back to the queue. */
    async close(graceMs = config.shutdownGraceMs) {
      stopReconciling?.();
      await worker.stop(graceMs);
    },
  };
}
