import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { createWorker } from "../relay/worker.ts";
import type { DeliveryOutcome } from "../store/delivery-queue.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { waitFor } from "../stand-ins/payloads.ts";
import { newDelivery } from "./support/store-backends.ts";

describe("the relay's worker and its leases", () => {
  const opened: RelayStores[] = [];
  const stops: Array<() => Promise<void>> = [];
  let dir: string;
  const open = async (now?: () => number) => {
    const stores = await openSqliteRelayStores({ dataDir: dir, ...(now ? { now } : {}) });
    opened.push(stores);
    return stores;
  };
  const start = (
    stores: RelayStores,
    process: () => Promise<DeliveryOutcome>,
    leaseMs: number,
    logs: string[] = [],
  ) => {
    const logger = createLogger({ level: "debug", write: (line) => logs.push(line) });
    const worker = createWorker({
      queue: stores.queue,
      coordination: stores.coordination,
      process,
      concurrency: 1,
      leaseMs,
      pollIntervalMs: 50,
      maxAttempts: 3,
      retry: { baseMs: 10, maxMs: 10 },
      writeLimits: [],
      budgetFor: async () => "token",
      logger,
    });
    worker.start();
    stops.push(() => worker.stop());
    return worker;
  };
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    for (const stores of opened.splice(0)) await stores.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps a run that outlasts its lease several times over, renewing it, so no other process takes the delivery", async () => {
    dir = mkdtempSync(join(tmpdir(), "lease-"));
    const stores = await open();
    const other = await open();
    await stores.deliveries.add(newDelivery("long"));
    let finish = () => {};
    start(stores, () => new Promise((done) => (finish = () => done({ status: "done" }))), 1_000);
    await waitFor(async () => (await stores.deliveries.get("long"))?.status === "running", "the run to start");
    // Three and a half leases: unrenewed, the delivery would have been claimable for most of it.
    for (const until = Date.now() + 3_500; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
      expect(await other.queue.claim(60_000)).toBeUndefined();
    }
    finish();
    await waitFor(async () => (await stores.deliveries.get("long"))?.status === "done", "the run to finish");
    expect(await stores.deliveries.get("long")).toMatchObject({ attempts: 1 });
  });

  it("records nothing through a lease another process took over, and logs that the lease was lost", async () => {
    dir = mkdtempSync(join(tmpdir(), "lease-"));
    let now = 1_000_000;
    const stores = await open(() => now);
    const other = await open(() => now);
    await stores.deliveries.add(newDelivery("stolen"));
    const logs: string[] = [];
    let finish = () => {};
    start(
      stores,
      () => new Promise((done) => (finish = () => done({ status: "done", reason: "from the stalled process" }))),
      60_000,
      logs,
    );
    await waitFor(async () => (await stores.deliveries.get("stolen"))?.status === "running", "the run to start");
    // This process stalls past its lease (the clock jumps), and another takes the delivery.
    now += 61_000;
    const taken = await other.queue.claim(60_000);
    expect(taken?.delivery).toMatchObject({ key: "stolen", attempts: 2 });
    finish();
    await waitFor(() => logs.some((l) => l.includes("the delivery's lease was lost")), "the lost lease to be logged");
    expect(await stores.deliveries.get("stolen")).toMatchObject({ status: "running", attempts: 2, reason: null });
    expect(await other.queue.finish(taken!.lease, { status: "done", reason: "from the new holder" })).toBe(true);
    expect(await stores.deliveries.get("stolen")).toMatchObject({ status: "done", reason: "from the new holder" });
  });
});
