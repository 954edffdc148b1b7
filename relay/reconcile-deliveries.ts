import type { Octokit } from "@octokit/rest";
import type { Logger } from "../lib/logger.ts";
import type { DeliveryLog } from "../store/delivery-log.ts";

/** A repository webhook, or a GitHub App's own webhook (whose log needs the app's JWT). */
export type HookRef = { kind: "repository"; owner: string; repo: string; id: number } | { kind: "app" };

export interface ReconcileResult {
  checked: number;
  failed: number;
  redelivered: string[];
}

interface LoggedDelivery {
  id: number;
  guid: string;
  delivered_at: string;
  status: string;
  status_code: number;
}

/**
 * GitHub never redelivers on its own. This reads the hook's delivery log for
 * the last `windowMs`, finds deliveries that never got through (no attempt with
 * status OK, and not in our store), and asks GitHub to redeliver each once,
 * with the same GUID, so our dedupe still holds.
 */
export async function reconcileDeliveries(options: {
  github: Octokit;
  hook: HookRef;
  deliveries: DeliveryLog;
  windowMs: number;
  logger: Logger;
  now?: () => number;
}): Promise<ReconcileResult> {
  const { github, hook, deliveries, logger } = options;
  const since = (options.now ?? Date.now)() - options.windowMs;
  const byGuid = new Map<string, LoggedDelivery[]>();
  let checked = 0;
  const pages =
    hook.kind === "app"
      ? github.paginate.iterator("GET /app/hook/deliveries", { per_page: 100 })
      : github.paginate.iterator("GET /repos/{owner}/{repo}/hooks/{hook_id}/deliveries", {
          owner: hook.owner,
          repo: hook.repo,
          hook_id: hook.id,
          per_page: 100,
        });
  outer: for await (const page of pages) {
    // Newest first: stop at the first one older than the window.
    for (const delivery of page.data as LoggedDelivery[]) {
      if (Date.parse(delivery.delivered_at) < since) break outer;
      checked++;
      byGuid.set(delivery.guid, [...(byGuid.get(delivery.guid) ?? []), delivery]);
    }
  }

  const redelivered: string[] = [];
  let failed = 0;
  for (const [guid, attempts] of byGuid) {
    if (attempts.some((a) => a.status === "OK")) continue;
    failed++;
    // A 4xx was our own refusal (bad signature, bad payload): redelivering it would only be refused again, every round.
    if (attempts.some((a) => a.status_code >= 400 && a.status_code < 500)) continue;
    // We may have stored it and still been logged as failed (an answer after GitHub's 10 s).
    if (await deliveries.findByDeliveryId(guid)) continue;
    const latest = attempts.reduce((a, b) => (b.id > a.id ? b : a));
    if (hook.kind === "app")
      await github.request("POST /app/hook/deliveries/{delivery_id}/attempts", { delivery_id: latest.id });
    else
      await github.request("POST /repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts", {
        owner: hook.owner,
        repo: hook.repo,
        hook_id: hook.id,
        delivery_id: latest.id,
      });
    logger.info("asked GitHub to redeliver a failed delivery", {
      deliveryId: guid,
      githubDeliveryId: latest.id,
      lastStatus: latest.status,
    });
    redelivered.push(guid);
  }
  return { checked, failed, redelivered };
}
