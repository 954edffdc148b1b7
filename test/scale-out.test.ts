import { afterEach, describe, expect, it } from "vitest";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { redisServerAvailable, startRedisServer, type RedisServer } from "../stand-ins/redis-server.ts";
import { spawnRelay, type RelayProcess } from "./support/relay-process.ts";
import { relayProcessEnv, startSystem, webhookSecret, type System } from "./support/system.ts";
import type { ModelScript } from "../stand-ins/scripted-model.ts";

const withRedis = redisServerAvailable();

describe.skipIf(!withRedis)("two relay replicas on one Redis", () => {
  let redis: RedisServer;
  let system: System;
  let replicas: RelayProcess[] = [];

  async function start(script: ModelScript) {
    redis = await startRedisServer();
    system = await startSystem({ redisUrl: redis.url, startRelay: false, script });
    // Short leases: a killed replica's deliveries are claimable 1.5 s after its last renewal.
    const env = relayProcessEnv(system, { RELAY_CONCURRENCY: "2", RELAY_LEASE_MS: "1500" });
    replicas = await Promise.all([spawnRelay(env), spawnRelay(env)]);
    return replicas;
  }

  afterEach(async () => {
    for (const replica of replicas) await replica.kill("SIGKILL");
    replicas = [];
    expect(system.github.unexpected).toEqual([]);
    await system.close();
    await redis.close();
  });

  it("processes deliveries sent alternately to each replica exactly once, and a duplicate sent to the other replica is a duplicate", async () => {
    const [a, b] = await start(analystScript((issue) => `Analysis of #${String(issue.number)}.`));
    const numbers = Array.from({ length: 12 }, (_, i) => i + 1);
    for (const number of numbers) system.github.addIssueFromPayload(issuesOpened({ number }));
    const ids = await Promise.all(
      numbers.map(async (number) => {
        const replica = number % 2 ? a! : b!;
        const response = await deliver(`${replica.url}/webhook/github`, {
          event: "issues",
          payload: issuesOpened({ number }),
          secret: webhookSecret,
        });
        expect(await response.json()).toMatchObject({ status: "queued" });
        return response.deliveryId;
      }),
    );
    await waitFor(
      async () => (await system.stores.deliveries.counts()).done === numbers.length,
      "every delivery to be done",
      20_000,
    );

    // GitHub's redelivery of each, to the replica that did not receive it: both know it.
    for (const [i, number] of numbers.entries()) {
      const other = number % 2 ? b! : a!;
      const again = await deliver(`${other.url}/webhook/github`, {
        event: "issues",
        payload: issuesOpened({ number }),
        secret: webhookSecret,
        deliveryId: ids[i]!,
      });
      expect(await again.json()).toEqual({ status: "duplicate", delivery: ids[i] });
    }
    // Had a replica queued one again, it would be pending or running now: wait for the queue to be empty and every run to end.
    await waitFor(async () => {
      const counts = await system.stores.deliveries.counts();
      return counts.pending + counts.running === 0;
    }, "the queue to be empty");
    await system.openWebUI.completionsSettled();
    expect(numbers.map((n) => system.github.comments("Codertocat", "Hello-World", n).length)).toEqual(
      numbers.map(() => 1),
    );
    expect(system.openWebUI.completionRequests).toHaveLength(numbers.length);
    for (const id of ids)
      expect(await system.stores.deliveries.findByDeliveryId(id)).toMatchObject({ status: "done", attempts: 1 });
    // Both replicas did work from the shared queue.
    for (const replica of [a!, b!]) expect(replica.output()).toContain('"msg":"delivery claimed"');
  });

  it("finishes the delivery of a replica killed mid-run on the other one, with still exactly one comment", async () => {
    const analyst = analystScript(() => "Finished by the survivor.");
    let slow = true;
    const [a, b] = await start(async (request, index) => {
      if (slow) await new Promise((r) => setTimeout(r, 2_000));
      return analyst(request, index);
    });
    system.github.addIssueFromPayload(issuesOpened());
    const { deliveryId } = await deliver(`${a!.url}/webhook/github`, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    await waitFor(() => system.openWebUI.completionRequests.length === 1, "the run to start on the first replica");
    expect(a!.output()).toContain(`"msg":"delivery claimed","deliveryId":"${deliveryId}"`);
    slow = false;
    const killedAt = Date.now();
    await a!.kill("SIGKILL");

    // The dead replica's lease, no longer renewed (RELAY_LEASE_MS, 1.5 s here), lapses, and the survivor claims the delivery.
    const record = await waitFor(
      async () => {
        const found = await system.stores.deliveries.findByDeliveryId(deliveryId);
        return found?.status === "done" ? found : undefined;
      },
      "the survivor to finish the delivery",
      15_000,
    );
    const tookMs = Date.now() - killedAt;
    expect(record.attempts).toBe(2);
    expect(b!.output()).toContain(`"msg":"delivery claimed","deliveryId":"${deliveryId}","attempt":2`);
    expect(tookMs).toBeLessThan(10_000);
    // The abandoned run goes on inside Open WebUI and posts too: the marker and the shared lock keep it to one comment.
    await system.openWebUI.completionsSettled();
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toHaveLength(1);
    expect(system.github.comments("Codertocat", "Hello-World", 1)[0]!.body).toContain("Finished by the survivor.");
    process.stdout.write(`scale-out: killed replica's delivery finished by the other ${tookMs} ms after the kill\n`);
  });
});
