import type { RequestHandler } from "express";
import type { DeliveriesPageOptions, ListPage } from "./deliveries-page.ts";
import { guardedSession } from "./page-action-guard.ts";

/**
 * POST /deliveries/reload-config, behind the page's action guard: what SIGHUP does, for the process
 * serving the page. The page shows what the file now sets, or why it was refused (422).
 */
export function reloadConfigFromPage(
  options: Pick<DeliveriesPageOptions, "reloadConfig" | "logger">,
  listPage: ListPage,
): RequestHandler {
  return async (req, res) => {
    options.logger.info("reloading the config file", { via: "deliveries page", ip: req.ip });
    const result = await options.reloadConfig();
    await listPage(res, result.ok ? 200 : 422, guardedSession(res), undefined, undefined, result);
  };
}
