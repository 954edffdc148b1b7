import express from "express";
import type { Registry } from "prom-client";
import type { RelayConfig } from "../config/load-relay-config.ts";
import { errorMiddleware } from "../lib/error-middleware.ts";
import type { Logger } from "../lib/logger.ts";
import { metricsEndpoint } from "../lib/metrics-endpoint.ts";
import type { DeliveryLog } from "../store/delivery-log.ts";
import { createAdminApi } from "./admin-api.ts";
import { createDeliveriesPage } from "./deliveries-page.ts";

export interface RelayAppOptions {
  deliveries: DeliveryLog;
  registry: Registry;
  logger: Logger;
  /** Called after an admin replays a delivery. */
  onReplay: () => void;
}

/** Everything the relay serves but the webhook: health, metrics, the admin API and the deliveries page. */
export function createRelayApp(
  config: Readonly<RelayConfig>,
  { deliveries, registry, logger, onReplay }: RelayAppOptions,
) {
  const app = express();
  app.disable("x-powered-by");
  app.get("/health", async (_req, res) => {
    res.json({ status: "ok", deliveries: await deliveries.counts() });
  });
  app.use(metricsEndpoint(registry, config.metricsToken));
  app.use("/api", createAdminApi({ deliveries, token: config.adminToken, onReplay, logger }));
  app.use(
    createDeliveriesPage({
      deliveries,
      token: config.adminToken,
      openWebUIUrl: config.openWebUI.publicUrl,
      onReplay,
      logger,
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ detail: "Not found. GitHub webhooks go to POST /webhook/github." });
  });
  app.use(errorMiddleware(logger));
  return app;
}
