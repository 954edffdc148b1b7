import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { configFileLocation } from "../../config/config-file-location.ts";
import { loadConfigFile } from "../../config/load-config-file.ts";
import { toolResults } from "../../stand-ins/model-scripts.ts";
import { waitFor } from "../../stand-ins/payloads.ts";
import type { ModelScript } from "../../stand-ins/scripted-model.ts";
import { startSlackStandIn, type SlackStandIn } from "../../stand-ins/slack-stand-in.ts";
import { manualClock } from "../support/manual-clock.ts";
import { deliveryOutcome, startSystem, type System } from "../support/system.ts";

const digestRule = (target: string) => `rules:
  - name: daily-digest
    on: schedule
    cron: "0 8 * * *"
    repos: ["octo/app"]
    prompt: Summarise the issues opened and closed in the last 24 hours in {{repository}}.
    tools: [search_issues, post_issue_comment]
    target: ${target}
channels:
  team-slack: { kind: slack, url_env: SLACK_DIGEST_URL }
`;

/** Tries issue #2 first (refused: the rule fixes the target), then whatever `then` says. */
const digestScript =
  (then: (done: number) => ReturnType<ModelScript>): ModelScript =>
  (request) => {
    const done = toolResults(request).length;
    if (done === 0)
      return {
        toolCalls: [
          { name: "post_issue_comment", arguments: { owner: "octo", repo: "app", issue_number: 2, body: "Digest" } },
        ],
      };
    return then(done);
  };

const adminToken = "relay-admin-token-schedules-0123456789";

/** The deliveries page as an administrator sees it. */
async function deliveriesPage(relayUrl: string): Promise<string> {
  const signIn = await fetch(`${relayUrl}/deliveries/sign-in`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ token: adminToken }),
    redirect: "manual",
  });
  const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0]!;
  return (await fetch(`${relayUrl}/deliveries`, { headers: { cookie } })).text();
}

// Ticks in the future of the machine's clock: the store stamps "first seen" with real time.
const tick = (day: number) => `2030-01-0${day}T08:00:00.000Z`;

describe("scheduled runs through the relay, with an injected clock", () => {
  let system: System | undefined;
  let slack: SlackStandIn | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await system?.close();
    await slack?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    system = slack = dir = undefined;
  });

  async function start(target: string, script: ModelScript) {
    dir = mkdtempSync(join(tmpdir(), "schedules-"));
    writeFileSync(join(dir, "openwebui-github.yml"), digestRule(target));
    slack = await startSlackStandIn({ token: "xoxb-unused", channels: [] });
    const clock = manualClock("2030-01-01T07:59:00Z");
    system = await startSystem({
      script,
      scheduleClock: clock,
      env: { SLACK_DIGEST_URL: slack.webhookUrl },
      relayEnv: { RELAY_ADMIN_TOKEN: adminToken },
      configFile: loadConfigFile(configFileLocation({}, dir)),
    });
    for (const number of [1, 2])
      system.github.addIssue({ owner: "octo", repo: "app", number, title: `Issue ${number}`, body: "" });
    await waitFor(async () => clock.timers > 0 || undefined, "the schedule to be armed");
    return { system, clock, slack };
  }

  it("comments once per tick on the rule's tracking issue, the model cannot comment on another, and the deliveries page lists the ticks", async () => {
    const { system, clock } = await start(
      "{ issue: 1 }",
      digestScript((done) =>
        done === 1
          ? {
              toolCalls: [
                {
                  name: "post_issue_comment",
                  arguments: { owner: "octo", repo: "app", issue_number: 1, body: "Digest: 2 opened, 1 closed." },
                },
              ],
            }
          : { content: "I posted the digest." },
      ),
    );
    await clock.advanceTo(tick(1));
    expect(await deliveryOutcome(system.stores, `schedule:daily-digest@${tick(1)}`)).toMatchObject({
      status: "done",
      event: "schedule",
      action: "tick",
      rule: "daily-digest",
      repository: "octo/app",
      issueNumber: 1,
    });
    await clock.advanceTo(tick(2));
    await deliveryOutcome(system.stores, `schedule:daily-digest@${tick(2)}`);
    await system.relayIdle();
    const comments = system.github.comments("octo", "app", 1);
    expect(comments).toHaveLength(2);
    expect(comments[0]!.body).toContain("Digest: 2 opened, 1 closed.");
    expect(system.github.comments("octo", "app", 2)).toEqual([]);
    // The deliveries page lists the ticks with the rest: event, rule, and the tick in the title column.
    const page = await deliveriesPage(system.relayUrl);
    expect(page).toContain(`<span class="muted">schedule:daily-digest@${tick(2)}</span>`);
    expect(page).toContain("<td>schedule.tick</td>");
    expect(page).toContain(`daily-digest at ${tick(1)}`);
    // The refusal told the model which issue it may write on.
    const refusals = system.model.requests.flatMap((r) => toolResults(r)).map((m) => String(m.content));
    expect(refusals.some((text) => text.includes("may only comment on octo/app#1"))).toBe(true);
  });

  it("posts the answer of a schedule with a notify target to its channel, and writes nothing on GitHub", async () => {
    const { system, clock, slack } = await start(
      "{ notify: team-slack }",
      digestScript(() => ({ content: "Digest: 2 opened, 1 closed." })),
    );
    await clock.advanceTo(tick(1));
    expect(await deliveryOutcome(system.stores, `schedule:daily-digest@${tick(1)}`)).toMatchObject({
      status: "done",
      reason: "answer posted to team-slack",
    });
    expect(slack.received).toHaveLength(1);
    expect(JSON.stringify(slack.received[0]!.body)).toContain("Digest: 2 opened, 1 closed.");
    expect(system.github.allComments()).toEqual([]);
    const refusals = system.model.requests.flatMap((r) => toolResults(r)).map((m) => String(m.content));
    expect(refusals.some((text) => text.includes("This scheduled run writes nothing on GitHub"))).toBe(true);
  });

  it("opens the tick's issue with the rule's labels for a create_issue target, and no second one after an answer GitHub may have acted on", async () => {
    const { system, clock } = await start(
      "{ create_issue: { labels: [digest] } }",
      digestScript(() => ({
        content: "Digest for the week\n\nTwo opened, one closed. @octo/maintainers please look.",
      })),
    );
    const issue = async (number: number) => {
      const response = await fetch(`${system.github.url}/repos/octo/app/issues/${number}`, {
        headers: { authorization: "Bearer ghp_standin_token_0123456789" },
      });
      return response.ok
        ? ((await response.json()) as { title: string; body: string; labels: Array<{ name: string }> })
        : null;
    };
    await clock.advanceTo(tick(1));
    const first = await deliveryOutcome(system.stores, `schedule:daily-digest@${tick(1)}`);
    expect(first).toMatchObject({ status: "done", reason: "issue opened by the relay" });
    const opened = await issue(3);
    expect(opened).toMatchObject({ title: "Digest for the week", labels: [{ name: "digest" }] });
    expect(opened!.body).toContain("Two opened, one closed.");
    // A team mention is defused as in every comment the relay posts.
    expect(opened!.body).toContain("`@octo/maintainers` please look.");
    expect(first.commentUrl).toMatch(/\/octo\/app\/issues\/3$/);
    expect(system.github.allComments()).toEqual([]);

    // GitHub answers 502 to the next tick's create: it may have opened the issue, so no attempt opens another.
    system.github.failNext(1, "bad-gateway", { method: "POST", pathIncludes: "/repos/octo/app/issues" });
    await clock.advanceTo(tick(2));
    const second = await deliveryOutcome(system.stores, `schedule:daily-digest@${tick(2)}`);
    expect(second).toMatchObject({ status: "failed" });
    expect(second.reason).toContain("the issue was not opened");
    const replayed = await system.stores.deliveries.replay(second.key);
    expect(replayed?.status).toBe("pending");
    await system.relayIdle();
    expect(await system.stores.deliveries.get(second.key)).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("an earlier attempt began opening the issue"),
    });
    expect(await issue(4)).toBeNull();
  });

  it("reschedules when the config file is reloaded: the changed cron's ticks run, the old one's do not", async () => {
    const { system, clock } = await start(
      "{ issue: 1 }",
      digestScript(() => ({ content: "Digest." })),
    );
    writeFileSync(
      join(dir!, "openwebui-github.yml"),
      digestRule("{ issue: 1 }").replace('"0 8 * * *"', '"30 9 * * *"'),
    );
    const reload = await fetch(`${system.relayUrl}/api/config/reload`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(reload.status).toBe(200);
    // Armed at start, then again by the reload.
    await waitFor(
      async () => system.logs.filter((l) => l.includes('"msg":"schedules armed"')).length >= 2 || undefined,
      "rescheduled",
    );
    await waitFor(async () => clock.timers === 1 || undefined, "one timer, the new cron's");
    await clock.advanceTo("2030-01-01T10:00:00Z");
    await deliveryOutcome(system.stores, "schedule:daily-digest@2030-01-01T09:30:00.000Z");
    expect(await system.stores.deliveries.get(`schedule:daily-digest@${tick(1)}`)).toBeUndefined();
  });
});
