import { Router } from "express";
import type { Registry } from "prom-client";
import { requireBearer } from "./require-bearer.ts";

/**
 * `GET /metrics` in Prometheus's text format. With a token, scrapers must send
 * it as a bearer token (Prometheus: `authorization: { credentials: ... }`):
 * the relay's port is reachable by GitHub, so by whoever else can reach it.
 */
export function metricsEndpoint(registry: Registry, token: string | null): Router {
  const router = Router();
  const refusal = "Missing or wrong bearer token. Configure the scraper with METRICS_TOKEN as its bearer credentials.";
  router.get("/metrics", ...(token ? [requireBearer(token, refusal)] : []), async (_req, res) => {
    const text = await registry.metrics();
    res.set("content-type", registry.contentType).set("cache-control", "no-store").send(text);
  });
  return router;
}
