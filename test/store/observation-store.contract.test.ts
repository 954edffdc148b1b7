import { describe, expect, it } from "vitest";
import type { NewObservation } from "../../store/observation-store.ts";
import { contractBackends, newDelivery as delivery, useStores } from "../support/store-backends.ts";

describe.each(contractBackends())("the $name observation store", (backend) => {
  const open = useStores(backend);
  const comment: NewObservation = {
    deliveryKey: "triage:o/r#3",
    deliveryId: "g1",
    chatId: "chat-1",
    rule: "triage",
    owner: "Octo",
    repo: "App",
    issueNumber: 3,
    tool: "post_issue_comment",
    target: "Octo/App#3",
    text: "Looks like a bug <b>in</b> the parser.",
    labels: [],
  };
  const labels: NewObservation = { ...comment, tool: "add_labels", text: null, labels: ["bug", "needs-info"] };

  it("keeps what an observed run would have written, per delivery, for another process to read", async () => {
    let now = 1_000;
    const { observations } = await open(() => now);
    await observations.record(comment);
    now = 2_000;
    await observations.record(labels);
    await observations.record({ ...comment, deliveryKey: "other", chatId: "chat-2", text: "elsewhere" });
    const other = await open();
    expect(await other.observations.ofDeliveries(["triage:o/r#3"])).toEqual([
      { ...comment, at: 1_000 },
      { ...labels, at: 2_000 },
    ]);
    expect(await other.observations.ofDeliveries(["nothing"])).toEqual([]);
    expect(await other.observations.ofDeliveries([])).toEqual([]);
  });

  it("knows the issues observed runs wrote about, whatever the letter case", async () => {
    const { observations } = await open();
    expect(await observations.observed("octo", "app", 3)).toBe(false);
    await observations.record(comment);
    expect(await observations.observed("octo", "app", 3)).toBe(true);
    expect(await observations.observed("octo", "app", 4)).toBe(false);
  });

  it("gives the recorded labels since a time with people's label changes on their issues, each change once", async () => {
    let now = 1_000;
    const { observations } = await open(() => now);
    await observations.record(comment);
    await observations.record({ ...labels, issueNumber: 1, target: "Octo/App#1" });
    now = 5_000;
    await observations.record(labels);
    const change = { deliveryId: "g7", owner: "octo", repo: "app", issueNumber: 3, label: "bug", at: 6_000 };
    await observations.recordLabelChange({ ...change, change: "applied" });
    // GitHub's Redeliver: the same delivery again.
    await observations.recordLabelChange({ ...change, change: "applied" });
    await observations.recordLabelChange({ ...change, deliveryId: "g8", change: "removed", at: 7_000 });
    await observations.recordLabelChange({ ...change, issueNumber: 9, change: "applied" });
    const history = await observations.labelHistory(2_000);
    expect(history.observations).toEqual([{ ...labels, at: 5_000 }]);
    expect(history.changes).toEqual([
      { ...change, change: "applied" },
      { ...change, deliveryId: "g8", change: "removed", at: 7_000 },
    ]);
    expect((await observations.labelHistory(0)).observations.map((o) => o.issueNumber)).toEqual([1, 3]);
  });

  it("lets an observation go with its delivery, and people's label changes as old done deliveries go", async () => {
    let now = 1_000;
    const { deliveries, queue, observations } = await open(() => now);
    await deliveries.add(delivery("triage:o/r#3", { deliveryId: "g1" }));
    const claim = (await queue.claim(60_000))!;
    await observations.record(labels);
    const change = { deliveryId: "g7", owner: "octo", repo: "app", issueNumber: 3, label: "bug", at: 1_000 };
    await observations.recordLabelChange({ ...change, change: "applied" });
    await queue.finish(claim.lease, { status: "done", reason: "observed" });
    now = 100_000;
    await deliveries.prune({ keepMs: 10_000, keepFailedMs: 10_000, batchSize: 10 }, now);
    expect(await observations.ofDeliveries(["triage:o/r#3"])).toEqual([]);
    expect(await observations.labelHistory(0)).toEqual({ observations: [], changes: [] });
    expect(await observations.observed("octo", "app", 3)).toBe(false);
    // A new run on the issue starts from nothing: the old change went too.
    await observations.record({ ...labels, deliveryKey: "triage:o/r#3:again" });
    expect((await observations.labelHistory(0)).changes).toEqual([]);
  });
});
