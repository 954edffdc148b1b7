import type { RequestListener } from "node:http";
import type { GitHubClients } from "../deployment/create-github-clients.ts";
import type { Logger } from "../lib/logger.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { RelayStores } from "../store/stores.ts";
import type { RelayConfig } from "../config/load-relay-config.ts";
import type { OpenWebUIChat } from "../deployment/create-open-webui-chat.ts";
import type { ReloadResult } from "../config/config-holder.ts";
import type { Rule } from "../config/rules-schema.ts";
import type { NotifyChannel } from "./notify-after-run.ts";
import type { TeamsAnswerUrl } from "./chat/teams-answer-url.ts";
import { createRelayApp } from "./create-relay-app.ts";
import { createRelayWorker } from "./create-relay-worker.ts";
import { createRelayMetrics, type RelayObserver } from "./relay-metrics.ts";
import { startReconciliation } from "./start-reconciliation.ts";
import { createWebhookHandler } from "./webhook-handler.ts";
import { builtinRule } from "./rules/builtin-rule.ts";
import { createScheduler } from "./schedules/create-scheduler.ts";
import type { ScheduleClock } from "./schedules/schedule-clock.ts";

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
  /** Posts a run's result to a channel of the config file's `channels:` (a rule's `notify:`, a schedule's notify target). */
  notify?: NotifyChannel;
  /** The secret of the config file's `webhooks.<name>` now (POST /webhook/in/<name>); none without it. */
  webhookSecret?: (name: string) => string | null;
  pollIntervalMs?: number;
  /** Where a Teams channel's answers go (the config file's chat.teams_channels); none without it. */
  teamsAnswerUrl?: (teamsChannelId: string) => TeamsAnswerUrl;
  /** GitHub's comment limits with shorter windows, for tests. */
  commentLimits?: readonly WriteLimit[];
  /** The schedules' clock (relay/schedules); the machine's when absent. Tests inject one. */
  scheduleClock?: ScheduleClock;
}

/** The hook's URL may carry a query string or a trailing slash. */
function isWebhookPath(url: string | undefined): boolean {
  const path = (url ?? "").split("?")[0]!;
  return path === "/webhook/github" || path === "/webhook/github/";
}

function webhookHandlerFor(
  config: Readonly<RelayConfig>,
  deps: RelayDependencies,
  observer: RelayObserver,
  onQueued: () => void,
) {
  const { deliveries, coordination } = deps.stores;
  return createWebhookHandler({
    secret: config.webhookSecret,
    deliveries,
    coordination,
    observations: deps.stores.observations,
    allowList: config.github.allowList,
    ownLogin: deps.github.ownLogin.known,
    ...(deps.rules ? { rules: deps.rules } : {}),
    onQueued,
    logger: deps.logger,
    observer,
    ...config.webhook,
  });
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
  const webhookHandler = webhookHandlerFor(config, deps, observer, () => worker.wake());
  const scheduler = schedulerFor(config, deps, () => worker.wake());
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
    rules: deps.rules ?? (() => [builtinRule]),
    webhookSecret: deps.webhookSecret ?? (() => null),
  });

  let stopReconciling: (() => void) | undefined;
  let schedulesReady = Promise.resolve();
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
    /** Reads the rules' schedules again (after a config reload); resolves once missed ticks are stored. */
    reschedule: () => scheduler.reschedule(),
    /** Resolves once the schedules' missed ticks are stored and their timers set (start() begins it). */
    get schedulesReady(): Promise<void> {
      return schedulesReady;
    },
    /** Starts the worker (unless RELAY_WORKER is off) and the webhook's reconciliation. */
    start() {
      void ownLogin.resolve();
      if (config.workerEnabled) worker.start();
      schedulesReady = scheduler.start();
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
      scheduler.stop();
      await worker.stop(graceMs);
    },
  };
}

/** Stores the rules' schedule ticks as deliveries (relay/schedules), waking the worker for each. */
function schedulerFor(config: Readonly<RelayConfig>, deps: RelayDependencies, onQueued: () => void) {
  return createScheduler({
    rules: deps.rules ?? (() => []),
    deliveries: deps.stores.deliveries,
    allowList: config.github.allowList,
    logger: deps.logger,
    onQueued,
    ...(deps.scheduleClock ? { clock: deps.scheduleClock } : {}),
  });
}
