import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { withLock } from "../store/with-lock.ts";

describe("withLock", () => {
  let stores: RelayStores | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await stores?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("keeps the lock for work that outlasts its time to live, and frees it when the work ends", async () => {
    dir = mkdtempSync(join(tmpdir(), "with-lock-"));
    stores = await openSqliteRelayStores({ dataDir: dir });
    const { coordination } = stores;
    const takenByOthers: boolean[] = [];
    await withLock(
      coordination,
      "comment:octo/app#1",
      async () => {
        // Three times the lock's time to live: without renewal another process would take it after 600 ms.
        for (let i = 0; i < 9; i++) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          takenByOthers.push(await coordination.tryLock("comment:octo/app#1", "another-process", 600));
        }
      },
      { ttlMs: 600, waitMs: 1_000 },
    );
    expect(takenByOthers).toEqual(Array(9).fill(false));
    expect(await coordination.tryLock("comment:octo/app#1", "another-process", 600)).toBe(true);
  });
});
