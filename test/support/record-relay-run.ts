import type { RunRule } from "../../store/run-store.ts";
import type { RelayStores } from "../../store/stores.ts";

export interface RelayRunFields {
  chatId: string;
  deliveryId: string;
  owner: string;
  repo: string;
  issueNumber: number;
  /** The Open WebUI account the run's chat belongs to (the relay's); null when identity is off. */
  userId?: string | null;
  messageId?: string;
  rule?: RunRule | null;
  reviewCommentId?: number | null;
}

/** A pending `issues.opened` delivery and the relay run it started, as the relay records them before asking Open WebUI. */
export async function recordRelayRun(stores: Pick<RelayStores, "deliveries" | "runs">, run: RelayRunFields) {
  const deliveryKey = `1:${run.deliveryId}`;
  await stores.deliveries.add({
    key: deliveryKey,
    deliveryId: run.deliveryId,
    event: "issues",
    action: "opened",
    status: "pending",
  });
  await stores.runs.add({ messageId: "m1", ...run, deliveryKey });
}
