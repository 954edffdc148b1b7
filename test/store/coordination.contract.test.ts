import { describe, expect, it } from "vitest";
import { contractBackends, useStores } from "../support/store-backends.ts";

describe.each(contractBackends())("the $name coordination", (backend) => {
  const open = useStores(backend);

  it("shares the comment budget between processes, and says when a slot frees up", async () => {
    let now = 10_000;
    const { coordination } = await open(() => now);
    const other = (await open(() => now)).coordination;
    const limits = [{ max: 2, windowMs: 1_000 }];
    expect(await coordination.reserveWrite("token", [])).toEqual({ ok: true });
    expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: true });
    now += 100;
    // A peek answers without taking the slot.
    expect(await other.reserveWrite("token", limits, { peek: true })).toEqual({ ok: true });
    expect(await other.reserveWrite("token", limits)).toEqual({ ok: true });
    expect(await other.reserveWrite("token", limits, { peek: true })).toEqual({ ok: false, retryInMs: 1_101 });
    // Windows are stretched by a fifth: the first slot frees 1,200 ms after it was taken.
    expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: false, retryInMs: 1_101 });
    now = 11_201;
    expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: true });
  });

  it("spaces the turns of a pace across processes, each pace on its own", async () => {
    let now = 50_000;
    const { coordination } = await open(() => now);
    const other = (await open(() => now)).coordination;
    expect(await coordination.takeTurn("comments:token", 3_000)).toBe(0);
    // Another process asking at once waits for the gap; a third turn queues behind it.
    expect(await other.takeTurn("comments:token", 3_000)).toBe(3_000);
    now += 1_000;
    expect(await coordination.takeTurn("comments:token", 3_000)).toBe(5_000);
    // Another pace (another installation's token) is not held up.
    expect(await other.takeTurn("comments:installation-2", 3_000)).toBe(0);
    // Once the turns taken have passed, the next goes at once.
    now += 60_000;
    expect(await other.takeTurn("comments:token", 3_000)).toBe(0);
  });

  it("keeps each named budget on its own (one per GitHub App installation), while each still limits", async () => {
    let now = 20_000;
    const { coordination } = await open(() => now);
    const other = (await open(() => now)).coordination;
    const limits = [{ max: 2, windowMs: 1_000 }];
    expect(await coordination.reserveWrite("installation:1", limits)).toEqual({ ok: true });
    expect(await other.reserveWrite("installation:1", limits)).toEqual({ ok: true });
    expect(await coordination.reserveWrite("installation:1", limits)).toEqual({ ok: false, retryInMs: 1_201 });
    // Installation 1 used up its budget: installation 2's is whole, in every process.
    expect(await other.reserveWrite("installation:2", limits, { peek: true })).toEqual({ ok: true });
    expect(await other.reserveWrite("installation:2", limits)).toEqual({ ok: true });
    now += 100;
    expect(await coordination.reserveWrite("installation:2", limits)).toEqual({ ok: true });
    expect(await other.reserveWrite("installation:2", limits)).toEqual({ ok: false, retryInMs: 1_101 });
    // And neither touched the token's.
    expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: true });
    expect(await other.reserveWrite("installation:1", limits, { peek: true })).toEqual({ ok: false, retryInMs: 1_101 });
  });

  it("waits for the tightest of several limits", async () => {
    let now = 0;
    const { coordination } = await open(() => now);
    const limits = [
      { max: 3, windowMs: 1_000 },
      { max: 4, windowMs: 10_000 },
    ];
    for (let i = 0; i < 3; i++) expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: true });
    // Per second: the first of three frees at 1,200 ms.
    expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: false, retryInMs: 1_201 });
    now = 1_201;
    expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: true });
    // Per ten seconds: four taken, the first frees at 12,000 ms.
    now = 2_500;
    expect(await coordination.reserveWrite("token", limits)).toEqual({ ok: false, retryInMs: 12_000 - 2_500 + 1 });
  });

  it("gives no more slots than the budget to many processes asking at once", async () => {
    const stores = [await open(() => 50_000), await open(() => 50_000), await open(() => 50_000)];
    const limits = [{ max: 5, windowMs: 60_000 }];
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => stores[i % 3]!.coordination.reserveWrite("token", limits)),
    );
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
  });

  it("gives a named lock to one owner until it is unlocked or expires", async () => {
    let now = 1_000;
    const { coordination } = await open(() => now);
    const other = (await open(() => now)).coordination;
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
    expect(await other.tryLock("comment:o/r#1", "b", 60_000)).toBe(false);
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
    // Only its owner unlocks it.
    await other.unlock("comment:o/r#1", "b");
    expect(await other.tryLock("comment:o/r#1", "b", 60_000)).toBe(false);
    await coordination.unlock("comment:o/r#1", "a");
    expect(await other.tryLock("comment:o/r#1", "b", 150)).toBe(true);
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(false);
    // Another name is another lock.
    expect(await coordination.tryLock("reconcile", "a", 60_000)).toBe(true);
    now += 151;
    expect(await coordination.tryLock("comment:o/r#1", "a", 60_000)).toBe(true);
    expect(await other.tryLock("comment:o/r#1", "b", 60_000)).toBe(false);
  });
});

describe.each(contractBackends())("the $name coordination's epochs", (backend) => {
  const open = useStores(backend);

  it("keeps a named epoch that only grows, the same for every process on the store", async () => {
    const { coordination } = await open(() => 0);
    const other = (await open(() => 0)).coordination;
    expect(await coordination.readEpoch("admin-session")).toBe(0);
    expect(await other.advanceEpoch("admin-session")).toBe(1);
    expect(await coordination.readEpoch("admin-session")).toBe(1);
    const advanced = await Promise.all(
      Array.from({ length: 6 }, (_, i) => [coordination, other][i % 2]!.advanceEpoch("admin-session")),
    );
    // Advances made at once are each counted, none lost.
    expect(advanced.sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7]);
    expect(await other.readEpoch("admin-session")).toBe(7);
    // Another name is another epoch.
    expect(await coordination.readEpoch("other")).toBe(0);
  });
});
