import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { loadRelayConfig } from "../../config/load-relay-config.ts";
import { createDeployment } from "../../deployment/create-deployment.ts";
import { createLogger } from "../../lib/logger.ts";
import { toolResults } from "../../stand-ins/model-scripts.ts";
import { openWebUIApi, openWebUIVersionUnderTest } from "../../stand-ins/open-webui-instance.ts";
import { waitFor } from "../../stand-ins/payloads.ts";
import { startRealSystem, type RealSystem } from "../../stand-ins/real-system.ts";
import { manualClock } from "../support/manual-clock.ts";

const openWebUIVersion = openWebUIVersionUnderTest();
const progress = (line: string) => process.stdout.write(`[open-webui ${openWebUIVersion} schedules] ${line}\n`);
const digestRule = `rules:
  - name: daily-digest
    on: schedule
    cron: "0 8 * * 1-5"
    repos: ["octo/app"]
    prompt: Summarise the issues opened and closed in the last 24 hours in {{repository}}.
    tools: [search_issues, post_issue_comment]
    target: { issue: 1 }
`;
// Future ticks (a Tuesday and a Wednesday): the store stamps when it first saw the rule with real time.
const ticks = ["2030-01-01T08:00:00.000Z", "2030-01-02T08:00:00.000Z"];

let system: RealSystem;
let dir: string;
beforeAll(async () => {
  system = await startRealSystem(progress, { openWebUIVersion });
  await system.stopRelay();
  dir = mkdtempSync(join(tmpdir(), "owui-schedules-"));
  writeFileSync(join(dir, "openwebui-github.yml"), digestRule);
});
afterAll(async () => {
  await system?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A relay with the digest rule and the test's clock, on the system's store: one process of the deployment. */
function startRelay(clock: ReturnType<typeof manualClock>) {
  const env = system.serviceEnv;
  const logger = createLogger({ level: "debug", write: (line) => system.logs.push(line) });
  return createDeployment(
    { env, relay: loadRelayConfig(env), toolServer: null, configFile: loadConfigFile(configFileLocation({}, dir)) },
    {
      logger,
      host: "127.0.0.1",
      github: { pacing: { writeMs: 5, notificationMs: 5 } },
      pollIntervalMs: 200,
      scheduleClock: clock,
    },
  ).startRelay(system.stores);
}

const done = (key: string) =>
  waitFor(
    async () => {
      const record = await system.stores.deliveries.get(key);
      return record && ["done", "failed", "ignored", "dead"].includes(record.status) ? record : undefined;
    },
    `tick ${key}`,
    120_000,
  );

describe(`schedules through the real Open WebUI ${openWebUIVersion}`, () => {
  it("posts a scheduled digest once per tick on the rule's tracking issue, across a relay restart between the ticks", async () => {
    system.github.addIssue({
      owner: "octo",
      repo: "app",
      number: 1,
      title: "Daily digest",
      body: "Digests land here.",
    });
    system.model.setScript((request) => {
      const digested = toolResults(request).length;
      if (digested > 0) return { content: "I posted the digest." };
      const tick = /tick (\S+)/.exec(String(request.messages.at(-1)?.content ?? ""))?.[1] ?? "?";
      const args = {
        owner: "octo",
        repo: "app",
        issue_number: 1,
        body: `Digest for ${tick}: nothing opened, nothing closed.`,
      };
      return { toolCalls: [{ name: "post_issue_comment", arguments: args }] };
    });
    const clock = manualClock("2030-01-01T07:59:00Z");
    let relay = await startRelay(clock);
    await relay.schedulesReady;
    await clock.advanceTo(ticks[0]!);
    const first = await done(`schedule:daily-digest@${ticks[0]}`);
    expect(first).toMatchObject({ status: "done", reason: "commented by the model", rule: "daily-digest" });

    // Restarted between the ticks: the first is not run again, the second runs once.
    await relay.close();
    await clock.advanceTo("2030-01-01T12:00:00Z");
    relay = await startRelay(clock);
    await relay.schedulesReady;
    await clock.advanceTo(ticks[1]!);
    expect(await done(`schedule:daily-digest@${ticks[1]}`)).toMatchObject({ status: "done" });
    await relay.worker.idle();
    await relay.close();

    const comments = system.github.comments("octo", "app", 1).map((c) => c.body);
    expect(comments).toHaveLength(2);
    expect(comments[0]).toContain(`Digest for ${ticks[0]}`);
    expect(comments[1]).toContain(`Digest for ${ticks[1]}`);
    // The run is a chat in Open WebUI, and Open WebUI called our tool server with its chat id.
    const chat = await openWebUIApi(system.openWebUI.url).request<{ title: string }>(
      "GET",
      `/api/v1/chats/${first.chatId}`,
      system.adminKey,
    );
    expect(chat.title).toBe(`octo/app#1: daily-digest at ${ticks[0]}`);
    const calls = system.logs
      .map((l) => JSON.parse(l) as { msg: string; tool?: string; chatId?: string })
      .filter((l) => l.msg === "tool call" && l.chatId === first.chatId);
    expect(calls.map((c) => c.tool)).toEqual(["post_issue_comment"]);
  });
});
