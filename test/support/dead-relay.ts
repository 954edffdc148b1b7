import { parseRepoAllowList } from "../../github/repo-allow-list.ts";
import { listen } from "../../lib/listen.ts";
import { silentLogger } from "../../lib/logger.ts";
import { createWebhookHandler } from "../../relay/webhook-handler.ts";
import { deliver, issuesOpened } from "../../stand-ins/payloads.ts";
import type { DeliveryLog } from "../../store/delivery-log.ts";
import { webhookSecret } from "./system.ts";

/**
 * Deliveries acknowledged by a relay that then died before running them: each stored and answered
 * 202 by the real webhook handler, on a server closed afterwards. Answers their delivery ids.
 */
export async function acknowledgedByDeadRelay(
  deliveries: DeliveryLog,
  payloads: object[] = [issuesOpened()],
  options: { deliveryIds?: string[] } = {},
): Promise<string[]> {
  const receiver = createWebhookHandler({
    secret: webhookSecret,
    deliveries,
    allowList: parseRepoAllowList(["Codertocat/*"]).allowList,
    ownLogin: () => null,
    onQueued: () => {},
    logger: silentLogger,
  });
  const dead = await listen((req, res) => void receiver(req, res), 0, "127.0.0.1");
  const ids: string[] = [];
  try {
    for (const [i, payload] of payloads.entries()) {
      const deliveryId = options.deliveryIds?.[i];
      const response = await deliver(`${dead.url}/webhook/github`, {
        event: "issues",
        payload,
        secret: webhookSecret,
        ...(deliveryId ? { deliveryId } : {}),
      });
      if (response.status !== 202) throw new Error(`the dead relay answered ${response.status}`);
      ids.push(response.deliveryId);
    }
  } finally {
    await dead.close();
  }
  return ids;
}
