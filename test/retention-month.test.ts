import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { createRetention } from "../relay/start-retention.ts";
import { openRedisRelayStores } from "../store/redis/open-redis-stores.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { storeBackends } from "./support/store-backends.ts";

const day = 86_400_000;
const perDay = 200;
const policy = { keepMs: 30 * day, keepFailedMs: 30 * day, batchSize: 500 };
const payload = (n: number) =>
  JSON.stringify({
    action: "opened",
    issue: { number: n, title: `Issue ${n}`, html_url: `https://github.com/o/r/issues/${n}`, body: "b".repeat(4096) },
    repository: { name: "r", owner: { login: "o" } },
  });

/** What the simulation left waiting or running, and the failed and dead deliveries by day. */
interface Kept {
  waiting: string[];
  running: string[];
  failed: Array<{ key: string; day: number }>;
}

interface Measured {
  label: string;
  figure(): Promise<Record<string, number>>;
  stores: RelayStores;
  close(): Promise<void>;
}

/** One day: a quarter ignored, the rest worked: mostly done, some failed, some dead; one left waiting, one left running. */
async function simulateDay(stores: RelayStores, dayIndex: number, kept: Kept) {
  const keys = Array.from({ length: perDay }, (_, i) => `h:${dayIndex}-${i}`);
  await Promise.all(
    keys.map((key, i) =>
      stores.deliveries.add(
        i % 4 === 0
          ? { key, deliveryId: key, event: "issues", action: "edited", status: "ignored", reason: "not opened" }
          : { key, deliveryId: key, event: "issues", action: "opened", status: "pending", payload: payload(i) },
      ),
    ),
  );
  for (let i = 0; ; i++) {
    const claim = await stores.queue.claim(60_000);
    if (!claim) break;
    const { key } = claim.delivery;
    if (key.endsWith("-1")) {
      // A retry due in a year: pending all along.
      await stores.queue.retry(claim.lease, { error: "later", at: Number.MAX_SAFE_INTEGER });
      kept.waiting.push(key);
    } else if (key.endsWith("-2")) {
      await stores.queue.renew(claim.lease, 365 * day);
      kept.running.push(key);
    } else {
      const status = i % 20 === 0 ? "failed" : i % 20 === 1 ? "dead" : "done";
      await stores.queue.finish(claim.lease, status === "done" ? { status } : { status, reason: "no" });
      if (status !== "done") kept.failed.push({ key, day: dayIndex });
    }
  }
}

describe.each(storeBackends())("a month of deliveries on $name", (backend) => {
  async function openMeasured(now: () => number): Promise<Measured> {
    const { redisUrl } = backend.options();
    if (redisUrl) {
      const config = {
        url: redisUrl,
        prefix: `month-${randomUUID()}`,
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 30_000,
      };
      const stores = await openRedisRelayStores(config, { now });
      const probe = new Redis(redisUrl);
      return {
        label: "Redis",
        stores,
        async figure() {
          const keys = (await probe.keys(`${config.prefix}:*`)).length;
          const used = Number(/used_memory:(\d+)/.exec(await probe.info("memory"))![1]);
          return { keys, used_memory: used };
        },
        async close() {
          await stores.close();
          await probe.quit();
        },
      };
    }
    const dataDir = mkdtempSync(join(tmpdir(), "month-"));
    const stores = await openSqliteRelayStores({ dataDir, now });
    const file = join(dataDir, "openwebui-github.db");
    const reader = new Database(file, { readonly: true });
    return {
      label: "SQLite",
      stores,
      async figure() {
        const { rows, payloads } = reader
          .prepare("SELECT COUNT(*) AS rows, COALESCE(SUM(length(payload)), 0) AS payloads FROM deliveries")
          .get() as { rows: number; payloads: number };
        const pages = reader.pragma("page_count", { simple: true }) as number;
        const free = reader.pragma("freelist_count", { simple: true }) as number;
        const size = reader.pragma("page_size", { simple: true }) as number;
        const wal = statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
        return {
          rows,
          payload_bytes: payloads,
          live_bytes: (pages - free) * size,
          file_bytes: pages * size,
          wal_bytes: wal,
        };
      },
      async close() {
        reader.close();
        await stores.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }

  it("stays bounded over two simulated months, and keeps everything pending, running, failed or dead before its time", async () => {
    let now = Date.UTC(2026, 0, 1);
    const measured = await openMeasured(() => now);
    const { stores } = measured;
    const retention = createRetention({
      deliveries: stores.deliveries,
      policy,
      intervalMs: 60_000,
      logger: createLogger({ write: () => {} }),
      now: () => now,
    });
    const kept: Kept = { waiting: [], running: [], failed: [] };
    const figures: Array<Record<string, number>> = [];
    try {
      for (let d = 0; d < 60; d++) {
        await simulateDay(stores, d, kept);
        now += day;
        await retention.sweep();
        // A quiet moment, as between bursts in any deployment, in which SQLite's checkpoint thread
        // catches up and the write-ahead log starts again from its beginning (writing without a pause
        // for the whole simulation grew it to 1.5 GB). Its size is printed, not held: it is the
        // largest one day's burst reached, which varies from run to run.
        await new Promise((resolve) => setTimeout(resolve, 150));
        if (d === 29 || d === 59) figures.push({ day: d + 1, ...(await measured.figure()) });
      }
      process.stdout.write(
        `${measured.label}, ${perDay} deliveries a day with 4 KB payloads, kept ${policy.keepMs / day} days: ${figures
          .map((f) => JSON.stringify(f))
          .join(" then ")}\n`,
      );
      const [month, twoMonths] = figures as [Record<string, number>, Record<string, number>];
      // The second month replaced the first instead of adding to it.
      for (const measure of ["rows", "keys", "live_bytes", "used_memory"] as const)
        if (month[measure] !== undefined) expect(twoMonths[measure]).toBeLessThan(month[measure]! * 1.25);
      // Only what is waiting or running is left of the first month.
      const firstDay = await stores.deliveries.list({ limit: 100_000 });
      const fromDayOne = firstDay.filter((d) => d.key.startsWith("h:0-")).map((d) => d.key);
      expect(fromDayOne.sort()).toEqual(["h:0-1", "h:0-2"]);
      for (const key of [...kept.waiting, ...kept.running]) expect(await stores.deliveries.get(key)).toBeDefined();
      const counts = await stores.deliveries.counts();
      expect(counts.pending).toBe(60);
      expect(counts.running).toBe(60);
      // Failed and dead deliveries go exactly when their 30 days are up: the last 30 days' are all there.
      for (const { key, day: finishedOn } of kept.failed)
        expect([key, (await stores.deliveries.get(key)) !== undefined]).toEqual([key, finishedOn >= 30]);
    } finally {
      await measured.close();
    }
  }, 120_000);
});
