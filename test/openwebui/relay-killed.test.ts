import { afterAll, beforeAll, expect, it } from "vitest";
import { analystScript } from "../../stand-ins/model-scripts.ts";
import { openWebUIVersionUnderTest } from "../../stand-ins/open-webui-instance.ts";
import { deliver, issuesOpened, waitFor } from "../../stand-ins/payloads.ts";
import { startRealSystem, webhookSecret, type RealSystem } from "../../stand-ins/real-system.ts";
import { spawnRelay, type RelayProcess } from "../support/relay-process.ts";

// Issue 16: measured through the real Open WebUI, 3 of 60 deliveries were still uncommented 8 minutes
// after a relay killed twice was restarted. Whatever a killed relay held must be found dead within
// seconds: with a model that answers at once, every acknowledged delivery is commented within 2 minutes.
const total = 40;
const killAfterAcks = 10;
const restartDeadlineMs = 120_000;

let system: RealSystem;
let relay: RelayProcess | undefined;
const openWebUIVersion = openWebUIVersionUnderTest();
const progress = (line: string) => process.stdout.write(`[open-webui ${openWebUIVersion}] ${line}\n`);

beforeAll(async () => {
  system = await startRealSystem(progress, { openWebUIVersion });
  // The relay runs as its own process here, so that it can be killed with SIGKILL.
  await system.stopRelay();
});

afterAll(async () => {
  await relay?.kill("SIGKILL");
  await system?.close();
});

// The relay as `npm start` runs it: default leases, retries and timeouts.
const startRelay = () => spawnRelay({ ...system.serviceEnv, PORT: "0" });

it(`a relay killed with SIGKILL mid-burst and mid-run, then restarted: every acknowledged delivery of ${total} commented exactly once within 2 minutes`, async () => {
  system.model.setScript(analystScript((issue) => `Analysis of #${String(issue.number)}.`));
  const numbers = Array.from({ length: total }, (_, i) => i + 1);
  for (const number of numbers) system.github.addIssueFromPayload(issuesOpened({ number }));
  const ids = new Map(numbers.map((n) => [n, crypto.randomUUID()]));
  const acked = new Set<number>();

  relay = await startRelay();
  const first = relay;
  let killed: Promise<unknown> | undefined;
  await Promise.all(
    numbers.map(async (number, i) => {
      await new Promise((r) => setTimeout(r, i * 50));
      try {
        const response = await deliver(`${first.url}/webhook/github`, {
          event: "issues",
          payload: issuesOpened({ number }),
          secret: webhookSecret,
          deliveryId: ids.get(number)!,
        });
        if (response.status === 202) acked.add(number);
      } catch {
        // The relay died before answering: GitHub records a failed delivery and redelivers it later.
      }
      // Mid-burst: what is sent after this is refused, and redelivered later as GitHub does.
      if (acked.size === killAfterAcks && !killed) killed = first.kill("SIGKILL");
    }),
  );
  await killed;
  const ackedBeforeKill = acked.size;

  // Restarted, and killed again in the middle of its runs.
  relay = await startRelay();
  const before = system.model.requests.length;
  await waitFor(() => system.model.requests.length >= before + 2, "runs after the restart", 60_000);
  await relay.kill("SIGKILL");

  relay = await startRelay();
  const restarted = Date.now();
  // What was not acknowledged is redelivered with the same GUID, as GitHub's redelivery does.
  const redelivered = numbers.filter((n) => !acked.has(n));
  for (const number of redelivered) {
    const response = await deliver(`${relay.url}/webhook/github`, {
      event: "issues",
      payload: issuesOpened({ number }),
      secret: webhookSecret,
      deliveryId: ids.get(number)!,
    });
    expect(response.status).toBe(202);
  }

  const commented = () => numbers.filter((n) => system.github.comments("Codertocat", "Hello-World", n).length > 0);
  await waitFor(
    async () => commented().length === total && (await system.stores.deliveries.counts()).done === total,
    `every delivery done and commented within ${restartDeadlineMs / 1000} s of the last restart (commented: ${commented().length})`,
    restartDeadlineMs,
  );
  const seconds = (Date.now() - restarted) / 1000;
  progress(
    `relay killed twice: ${total} deliveries, ${ackedBeforeKill} acknowledged before the first kill, ${redelivered.length} redelivered, all commented ${seconds.toFixed(1)} s after the last restart, ${system.model.requests.length} model requests`,
  );
  for (const n of numbers) {
    const comments = system.github.comments("Codertocat", "Hello-World", n);
    expect(comments, `issue #${n}`).toHaveLength(1);
    expect(comments[0]!.body).toContain(`Analysis of #${n}.`);
  }
  expect(system.model.errors).toEqual([]);
}, 300_000);
