import express from "express";
import type { Registry } from "prom-client";
import type { RelayConfig } from "../config/load-relay-config.ts";
import { errorMiddleware } from "../lib/error-middleware.ts";
import type { Logger } from "../lib/logger.ts";
import { metricsEndpoint } from "../lib/metrics-endpoint.ts";
import type { Coordination } from "../store/coordination.ts";
import type { DeliveryLog } from "../store/delivery-log.ts";
import type { ObservationStore } from "../store/observation-store.ts";
import type { ReloadResult } from "../config/config-holder.ts";
import { createAdminApi } from "./admin-api.ts";
import { createFailureLimit } from "./admin-failure-limit.ts";
import { createDeliveriesPage } from "./deliveries-page.ts";
import { createChatDoors } from "./doors/create-chat-doors.ts";
import { createWebhookInDoor } from "./doors/webhook-in-door.ts";
import type { Rule } from "../config/rules-schema.ts";

export interface RelayAppOptions {
  deliveries: DeliveryLog;
  /** Observe mode's recordings, for the page and the admin API. */
  observations?: ObservationStore;
  /** Holds the admin session epoch every replica checks. */
  coordination: Coordination;
  registry: Registry;
  logger: Logger;
  /** Called after an admin replays a delivery. */
  onReplay: () => void;
  /** Reads the config file again, for the page's "Reload config" and POST /api/config/reload. */
  reloadConfig: () => Promise<ReloadResult>;
  /** The rules now, for the signed webhooks' doors. */
  rules: () => readonly Rule[];
  /** The secret of the config file's `webhooks.<name>` now, or null (POST /webhook/in/<name> answers 404). */
  webhookSecret: (name: string) => string | null;
}

/** Everything the relay serves but the webhook: health, metrics, the admin API and the deliveries page. */
export function createRelayApp(
  config: Readonly<RelayConfig>,
  {
    deliveries,
    observations,
    coordination,
    registry,
    logger,
    onReplay,
    reloadConfig,
    rules,
    webhookSecret,
  }: RelayAppOptions,
) {
  const app = express();
  app.disable("x-powered-by");
  // Behind Caddy, req.ip is the client's address (for the logs and the sign-in limit), not Caddy's.
  app.set("trust proxy", config.trustProxy.length > 0 ? config.trustProxy : false);
  // One limit for the page's sign-in and the API's bearer token: both are RELAY_ADMIN_TOKEN.
  const failureLimit = createFailureLimit();
  app.get("/health", async (_req, res) => {
    res.json({ status: "ok", deliveries: await deliveries.counts() });
  });
  app.use(metricsEndpoint(registry, config.metricsToken));
  // Before any body parser: Slack and Discord sign the raw bytes. A stored request wakes the worker, as a replay does.
  app.use(createChatDoors(config.chatDoors, { deliveries, logger, onQueued: onReplay }));
  app.use(createWebhookInDoor({ deliveries, rules, secretOf: webhookSecret, logger, onQueued: onReplay }));
  app.use(
    "/api",
    createAdminApi({
      deliveries,
      observations,
      token: config.adminToken,
      failureLimit,
      onReplay,
      reloadConfig,
      logger,
    }),
  );
  app.use(
    createDeliveriesPage({
      deliveries,
      observations,
      token: config.adminToken,
      coordination,
      failureLimit,
      openWebUIUrl: config.openWebUI.publicUrl,
      onReplay,
      reloadConfig,
      logger,
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ detail: "Not found. GitHub webhooks go to POST /webhook/github." });
  });
  app.use(errorMiddleware(logger));
  return app;
}
