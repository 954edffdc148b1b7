import type { RelayConfig } from "../config/load-relay-config.ts";
import type { RelayObserver } from "./relay-metrics.ts";
import type { RelayDependencies } from "./create-relay.ts";
import { createDeliveryProcessor } from "./process-delivery.ts";
import { createRetention } from "./start-retention.ts";
import { createWorker } from "./worker.ts";
import { builtinRule } from "./rules/builtin-rule.ts";
import { createRepoConfigReader } from "./rules/repo-config-reader.ts";
import type { ChatSettings } from "./chat/answer-chat-request.ts";
import { defaultNotifyTimeouts } from "../notify/notify-types.ts";

/**
 * The worker and the run it gives each delivery, from the relay's config and the deployment's clients;
 * its start and stop also start and stop retention, which belongs to the worker side, off the webhook's path.
 */
export function createRelayWorker(config: Readonly<RelayConfig>, deps: RelayDependencies, observer: RelayObserver) {
  const worker = createQueueWorker(config, deps, observer);
  const { keepMs, keepFailedMs, batchSize, intervalMs, chatKeepMs } = config.retention;
  const { client } = deps.openWebUI;
  const retention = createRetention({
    deliveries: deps.stores.deliveries,
    policy: { keepMs, keepFailedMs, batchSize },
    intervalMs,
    logger: deps.logger,
    ...(chatKeepMs === null
      ? {}
      : { chats: { runs: deps.stores.runs, keepMs: chatKeepMs, deleteChat: (id) => client.deleteChat(id) } }),
  });
  const { start, stop } = worker;
  // Assigned onto the worker itself, which keeps its `busy` getter live.
  return Object.assign(worker, {
    start() {
      start();
      retention.start();
    },
    async stop(graceMs?: number) {
      await Promise.all([retention.stop(), stop(graceMs)]);
    },
  });
}

function createQueueWorker(config: Readonly<RelayConfig>, deps: RelayDependencies, observer: RelayObserver) {
  const { stores, logger, secrets } = deps;
  const { coordination } = stores;
  const commentLimits = deps.commentLimits ?? config.github.commentLimits;
  const rules = deps.rules ?? (() => [builtinRule]);
  const worker = createWorker({
    queue: stores.queue,
    coordination,
    logger,
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    pollIntervalMs: deps.pollIntervalMs ?? config.pollIntervalMs,
    maxAttempts: config.maxAttempts,
    retry: config.retry,
    writeLimits: commentLimits,
    budgetFor: deps.github.budgetFor,
    secrets,
    observer,
    // An observed rule's run records its writes: the comment budget is not its to wait for.
    postsNothing: (delivery) => rules().find((rule) => rule.name === delivery.rule)?.mode === "observe",
    process: createDeliveryProcessor({
      runs: stores.runs,
      observations: stores.observations,
      deliveries: stores.deliveries,
      rules,
      repoConfig: createRepoConfigReader({
        github: deps.github.github,
        coordination,
        ttlMs: config.repoConfigTtlMs,
      }),
      onQueued: () => worker.wake(),
      coordination,
      github: deps.github.github,
      openWebUI: deps.openWebUI.client,
      model: config.openWebUI.model,
      toolServerId: config.openWebUI.toolServerId,
      toolConnection: config.openWebUI.toolConnection,
      commentFallback: config.commentFallback,
      ownLogin: deps.github.ownLogin.resolve,
      secrets,
      commentLimits,
      budgetFor: deps.github.budgetFor,
      commentTiming: {
        budgetWaitMs: config.github.commentBudgetWaitMs,
        lockMs: config.github.commentLockMs,
        spacingMs: deps.github.commentSpacingMs,
      },
      allowList: config.github.allowList,
      logger,
      observer,
      ...(deps.notify ? { notify: deps.notify } : {}),
      chat: chatSettings(config, deps),
    }),
  });
  return worker;
}

/** The chat doors' settings as the worker answers with them; Teams answers need the config file's channel. */
function chatSettings(config: Readonly<RelayConfig>, deps: RelayDependencies): ChatSettings {
  const { slack, discord } = config.chatDoors;
  const teamsAnswerUrl =
    deps.teamsAnswerUrl ??
    (() => ({ problem: "no Workflows webhook is configured for Teams answers (chat.teams_channels)" }));
  return {
    platforms: {
      slack: slack && { botToken: slack.botToken, apiUrl: slack.apiUrl },
      discord: discord && { apiUrl: discord.apiUrl },
      teamsAnswerUrl,
    },
    timeouts: defaultNotifyTimeouts,
  };
}
