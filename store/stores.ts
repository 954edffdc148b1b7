import type { Coordination } from "./coordination.ts";
import type { DeliveryLog } from "./delivery-log.ts";
import type { DeliveryQueue } from "./delivery-queue.ts";
import type { ObservationStore } from "./observation-store.ts";
import type { RunStore } from "./run-store.ts";

/** Everything the relay keeps. Each backend (sqlite/, redis/) opens these over one connection. */
export interface RelayStores {
  deliveries: DeliveryLog;
  queue: DeliveryQueue;
  runs: RunStore;
  coordination: Coordination;
  /** Observe mode's recorded writes: the tool server records, the relay records and shows. */
  observations: ObservationStore;
  close(): Promise<void>;
}

/** What the tool server opens: no delivery log, no queue, no worker or checkpoint thread. */
export type ToolServerStores = Pick<RelayStores, "runs" | "coordination" | "observations" | "close">;
