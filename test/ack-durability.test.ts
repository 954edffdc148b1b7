import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { NewDelivery } from "../store/delivery-log.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { deliver, issuesOpened } from "../stand-ins/payloads.ts";
import { spawnRelay, type RelayProcess } from "./support/relay-process.ts";

const secret = "webhook-secret-for-the-ack-tests";
const delivery = (key: string, extra: Partial<NewDelivery> = {}): NewDelivery => ({
  key,
  deliveryId: key,
  event: "issues",
  action: "opened",
  status: "pending",
  payload: `{"n":"${key}"}`,
  ...extra,
});

describe("the acknowledgement path's group commit (SQLite)", () => {
  const dirs: string[] = [];
  const stores: RelayStores[] = [];
  let relay: RelayProcess | undefined;
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), "ack-"));
    dirs.push(dir);
    return dir;
  };
  const open = async (dataDir: string) => {
    const opened = await openSqliteRelayStores({ dataDir });
    stores.push(opened);
    return opened.deliveries;
  };

  afterEach(async () => {
    await relay?.kill("SIGKILL");
    relay = undefined;
    for (const store of stores.splice(0)) await store.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("answers each of many deliveries sent at once, duplicates inside one batch included, and stores each key once", async () => {
    const store = await open(tempDir());
    // All sent in one turn of the event loop: they share batches. Every fifth key is sent twice.
    const keys = Array.from({ length: 60 }, (_, i) => `h:${i}`);
    const sent = [...keys, ...keys.filter((_, i) => i % 5 === 0)];
    const answers = await Promise.all(sent.map((key) => store.add(delivery(key))));
    const insertedPerKey = new Map<string, number>();
    sent.forEach((key, i) => insertedPerKey.set(key, (insertedPerKey.get(key) ?? 0) + (answers[i]!.inserted ? 1 : 0)));
    expect([...insertedPerKey.values()]).toEqual(keys.map(() => 1));
    expect(answers.filter((a) => !a.inserted)).toHaveLength(12);
    // A second batch with the same keys: all duplicates.
    expect(
      (await Promise.all(keys.slice(0, 10).map((key) => store.add(delivery(key))))).every((a) => !a.inserted),
    ).toBe(true);
    expect((await store.counts()).pending).toBe(60);
  });

  it("fails only the caller whose delivery cannot be stored, not the others in its batch", async () => {
    const store = await open(tempDir());
    // A delivery without an event breaks the table's NOT NULL rule, as a storage error would.
    const broken = delivery("h:broken", { event: null as unknown as string });
    const results = await Promise.allSettled([
      store.add(delivery("h:a")),
      store.add(broken),
      store.add(delivery("h:b")),
      store.add(delivery("h:a")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(results.map((r) => (r.status === "fulfilled" ? r.value.inserted : "error"))).toEqual([
      true,
      "error",
      true,
      false,
    ]);
    expect(String((results[1] as PromiseRejectedResult).reason)).toContain("could not be stored");
    expect(await store.get("h:broken")).toBeUndefined();
    expect((await store.counts()).pending).toBe(2);
  });

  it("has stored every delivery it answered 202 when the relay process is killed (SIGKILL) in the middle of a burst", async () => {
    const dataDir = tempDir();
    relay = await spawnRelay({
      GITHUB_WEBHOOK_SECRET: secret,
      GITHUB_TOKEN: "ghp_ack_test_token_0123456789",
      GITHUB_REPOS: "Codertocat/*",
      GITHUB_BOT_LOGIN: "openwebui-ai-bot",
      // Receive only: nothing else is reached.
      GITHUB_API_URL: "http://127.0.0.1:9",
      OPENWEBUI_URL: "http://127.0.0.1:9",
      OPENWEBUI_API_KEY: "sk-ack-test",
      PORT: "0",
      DATA_DIR: dataDir,
      RELAY_WORKER: "false",
    });
    const victim = relay;
    const total = 300;
    const killAfter = 120;
    const acked: string[] = [];
    let unanswered = 0;
    const ids = Array.from({ length: total }, () => randomUUID());
    // 30 at a time, as GitHub's bursts arrive; the kill comes right when the 120th answer arrives.
    let next = 0;
    await Promise.all(
      Array.from({ length: 30 }, async () => {
        while (next < total) {
          const id = ids[next++]!;
          try {
            const response = await deliver(`${victim.url}/webhook/github`, {
              event: "issues",
              payload: issuesOpened({ number: next }),
              secret,
              deliveryId: id,
            });
            if (response.status !== 202) throw new Error(`answered ${response.status}`);
            acked.push(id);
            if (acked.length === killAfter) victim.child.kill("SIGKILL");
          } catch {
            unanswered++;
          }
        }
      }),
    );
    await victim.exited;
    relay = undefined;
    expect(acked.length).toBeGreaterThanOrEqual(killAfter);
    // The kill came mid-burst: some deliveries were never answered.
    expect(unanswered).toBeGreaterThan(0);

    const store = await open(dataDir);
    const missing: string[] = [];
    for (const id of acked) if (!(await store.findByDeliveryId(id))) missing.push(id);
    expect(missing).toEqual([]);
  });
});
