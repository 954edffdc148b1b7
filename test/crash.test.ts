import { afterAll, afterEach, describe, expect, it } from "vitest";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { spawnRelay, type RelayProcess } from "./support/relay-process.ts";
import { storeBackends } from "./support/store-backends.ts";
import { relayProcessEnv, startSystem, webhookSecret, type System } from "./support/system.ts";

// Figures from every run, printed at the end so the note can quote them.
const figures: string[] = [];

function relayEnv(system: System, extra: Record<string, string> = {}) {
  // A killed relay's deliveries are claimable once their leases lapse: 1.5 s here, not the default 20 s.
  return relayProcessEnv(system, {
    RELAY_CONCURRENCY: "3",
    RELAY_RETRY_BASE_MS: "50",
    RELAY_LEASE_MS: "1500",
    ...extra,
  });
}

const backends = storeBackends();

describe.each(backends)("a relay process killed and restarted ($name store)", (backend) => {
  let system: System;
  let relay: RelayProcess | undefined;

  afterEach(async () => {
    if (relay) await relay.kill("SIGKILL");
    relay = undefined;
    expect(system.github.unexpected).toEqual([]);
    await system.close();
  });

  afterAll(() => {
    process.stdout.write(`crash runs:\n${figures.map((f) => `  ${f}`).join("\n")}\n`);
  });

  it.each([
    { killAfterAcks: 3, total: 16 },
    { killAfterAcks: 8, total: 16 },
    { killAfterAcks: 13, total: 16 },
  ])(
    "with SIGKILL after $killAfterAcks of $total deliveries: every acknowledged delivery is processed, every issue has exactly one comment",
    async ({ killAfterAcks, total }) => {
      const analyst = analystScript((issue) => `Analysis of #${String(issue.number)}.`);
      // Slow enough that runs are in flight when the kill comes.
      system = await startSystem({
        ...backend.options(),
        startRelay: false,
        script: async (request, index) => {
          await new Promise((r) => setTimeout(r, 60));
          return analyst(request, index);
        },
      });
      const numbers = Array.from({ length: total }, (_, i) => i + 1);
      for (const number of numbers) system.github.addIssueFromPayload(issuesOpened({ number }));
      const ids = new Map<number, string>();
      const acked = new Set<number>();

      relay = await spawnRelay(relayEnv(system));
      let killed: Promise<number | null> | undefined;
      await Promise.all(
        numbers.map(async (number, i) => {
          await new Promise((r) => setTimeout(r, i * 15));
          // GitHub picks the GUID before sending and redelivers with it, answered or not.
          ids.set(number, crypto.randomUUID());
          try {
            const response = await deliver(`${relay!.url}/webhook/github`, {
              event: "issues",
              payload: issuesOpened({ number }),
              secret: webhookSecret,
              deliveryId: ids.get(number)!,
            });
            if (response.status === 202) acked.add(number);
          } catch {
            // The relay died before answering: GitHub records a failed delivery.
          }
          // Mid-burst and mid-run: after k acknowledgements, as soon as a run is under way.
          if (acked.size === killAfterAcks && !killed) {
            const victim = relay!;
            killed = waitFor(() => system.openWebUI.completionRequests.length > 0, "a run to start").then(() =>
              victim.kill("SIGKILL"),
            );
          }
        }),
      );
      await killed;
      const runsInFlightAtKill = system.openWebUI.completionRequests.length;

      // The restarted relay resumes, and is killed again in the middle of its runs.
      relay = await spawnRelay(relayEnv(system));
      const before = system.openWebUI.completionRequests.length;
      // Two runs under way, unless the first relay left fewer than two deliveries to resume (its runs are quick).
      await waitFor(async () => {
        if (system.openWebUI.completionRequests.length >= before + 2) return true;
        const counts = await system.stores.deliveries.counts();
        return counts.pending + counts.running === 0;
      }, "runs after the restart");
      await relay.kill("SIGKILL");
      const runsAtSecondKill = system.openWebUI.completionRequests.length;

      relay = await spawnRelay(relayEnv(system));
      // What was not acknowledged is redelivered with the same GUID, as GitHub's redelivery does; one acknowledged one is sent again too.
      const redelivered = numbers.filter((n) => !acked.has(n));
      for (const number of [...redelivered, [...acked][0]!]) {
        const response = await deliver(`${relay.url}/webhook/github`, {
          event: "issues",
          payload: issuesOpened({ number }),
          secret: webhookSecret,
          deliveryId: ids.get(number)!,
        });
        expect(response.status).toBe(202);
      }

      await waitFor(
        async () => {
          const counts = await system.stores.deliveries.counts();
          return counts.done === total ? counts : undefined;
        },
        "every delivery to be done",
        30_000,
      );
      const perIssue = numbers.map((n) => system.github.comments("Codertocat", "Hello-World", n).length);
      const duplicated = perIssue.filter((c) => c > 1).length;
      const lost = perIssue.filter((c) => c === 0).length;
      figures.push(
        `${backend.name}: kill after ${killAfterAcks} acks: sent ${total}, acknowledged before the kill ${acked.size}, redelivered ${redelivered.length}, runs started before the first kill ${runsInFlightAtKill} and the second ${runsAtSecondKill}, processed ${total}, duplicated ${duplicated}, lost ${lost}, model runs in all ${system.openWebUI.completionRequests.length}`,
      );
      expect(perIssue).toEqual(numbers.map(() => 1));
      for (const n of numbers)
        expect(system.github.comments("Codertocat", "Hello-World", n)[0]!.body).toContain(`Analysis of #${n}.`);
    },
  );

  it("on SIGTERM stops taking work, puts an unfinished run back in the queue and exits; the next start finishes it once", async () => {
    const analyst = analystScript(() => "After a restart.");
    let slow = true;
    system = await startSystem({
      ...backend.options(),
      startRelay: false,
      script: async (request, index) => {
        if (slow) await new Promise((r) => setTimeout(r, 3_000));
        return analyst(request, index);
      },
    });
    system.github.addIssueFromPayload(issuesOpened());
    relay = await spawnRelay(relayEnv(system, { RELAY_SHUTDOWN_GRACE_MS: "300" }));
    const { deliveryId } = await deliver(`${relay.url}/webhook/github`, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    await waitFor(() => system.openWebUI.completionRequests.length === 1, "the run to start");
    const started = Date.now();
    expect(await relay.kill("SIGTERM")).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(relay.output()).toContain("run unfinished at shutdown");
    expect(await system.stores.deliveries.findByDeliveryId(deliveryId)).toMatchObject({
      status: "pending",
      attempts: 1,
    });

    slow = false;
    relay = await spawnRelay(relayEnv(system));
    await waitFor(
      async () => (await system.stores.deliveries.findByDeliveryId(deliveryId))?.status === "done",
      "the delivery to be done",
      15_000,
    );
    // The abandoned run in Open WebUI also finishes and posts: still one comment.
    await system.openWebUI.completionsSettled();
    expect(system.github.comments("Codertocat", "Hello-World", 1)).toHaveLength(1);
  });
});
