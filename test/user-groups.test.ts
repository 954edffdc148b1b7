import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUserGroups } from "../open-webui/user-groups.ts";
import { startOpenWebUIGroups } from "./support/open-webui-groups.ts";

const adminKey = "owui-admin-key-for-groups-0123";

describe("a person's groups from Open WebUI's admin API", () => {
  let groups: Awaited<ReturnType<typeof startOpenWebUIGroups>>;
  // Answers nothing, ever: a stuck Open WebUI.
  const stuck = createServer(() => {});
  let stuckUrl: string;

  beforeAll(async () => {
    groups = await startOpenWebUIGroups(adminKey, { mia: ["maintainers", "readers"] });
    await new Promise<void>((resolve) => stuck.listen(0, "127.0.0.1", resolve));
    stuckUrl = `http://127.0.0.1:${(stuck.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await groups.close();
    stuck.closeAllConnections();
    await new Promise((resolve) => stuck.close(resolve));
  });

  it("asks once per person within the cache's time, then again", async () => {
    let now = 0;
    const userGroups = createUserGroups({
      baseUrl: groups.url,
      apiKey: adminKey,
      timeoutMs: 2_000,
      cacheMs: 60_000,
      now: () => now,
    });
    expect(await userGroups("mia")).toEqual(["maintainers", "readers"]);
    expect(await userGroups("mia")).toEqual(["maintainers", "readers"]);
    expect(await userGroups("nobody")).toEqual([]);
    now = 60_001;
    await userGroups("mia");
    expect(groups.asked).toEqual(["mia", "nobody", "mia"]);
    expect(groups.unexpected).toEqual([]);
  });

  it("answers 503 with what to tell the user when Open WebUI refuses, fails or takes too long", async () => {
    const refusing = createUserGroups({
      baseUrl: groups.url,
      apiKey: "not-an-admin-key",
      timeoutMs: 2_000,
      cacheMs: 60_000,
    });
    const slow = createUserGroups({ baseUrl: stuckUrl, apiKey: adminKey, timeoutMs: 200, cacheMs: 60_000 });
    const away = createUserGroups({
      baseUrl: "http://127.0.0.1:9",
      apiKey: adminKey,
      timeoutMs: 2_000,
      cacheMs: 60_000,
    });
    for (const userGroups of [refusing, slow, away]) {
      const started = Date.now();
      await expect(userGroups("mia")).rejects.toMatchObject({
        status: 503,
        detail: expect.stringMatching(/Could not ask Open WebUI which groups.*try again in a minute/),
      });
      expect(Date.now() - started).toBeLessThan(1_500);
    }
    groups.unexpected.length = 0;
  });
});
