import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listen } from "../lib/listen.ts";
import { createLogger } from "../lib/logger.ts";
import { startGitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { analystScript, issueAskedAbout } from "../stand-ins/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { spawnRelay, type RelayProcess } from "./support/relay-process.ts";
import { deliveryOutcome, startSystem, webhookSecret, type System } from "./support/system.ts";

interface Line {
  time: string;
  level: string;
  msg: string;
  deliveryId?: string;
  chatId?: string;
  [field: string]: unknown;
}

const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as Line);

describe("structured logs", () => {
  let system: System | undefined;
  const cleanups: Array<() => Promise<unknown> | void> = [];

  afterEach(async () => {
    await system?.close();
    system = undefined;
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const finished = (deliveryId: string) => deliveryOutcome(system!.stores, deliveryId);

  it("writes one line per step of a delivery, each with its delivery id", async () => {
    const analyst = analystScript(() => "A typo.");
    // Issue 1: the model comments. Issue 2: it only answers (the relay posts). Issue 3: it says nothing.
    system = await startSystem({
      script: (request, index) => {
        const n = issueAskedAbout(request).issue_number;
        return n === 1 ? analyst(request, index) : n === 2 ? { content: "Fix the typo." } : { content: "" };
      },
    });
    for (const number of [1, 2, 3]) system.github.addIssueFromPayload(issuesOpened({ number }));
    const ids: string[] = [];
    for (const number of [1, 2, 3]) {
      const { deliveryId } = await deliver(system.webhookUrl, {
        event: "issues",
        payload: issuesOpened({ number }),
        secret: webhookSecret,
      });
      await finished(deliveryId);
      ids.push(deliveryId);
    }
    await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 1 }),
      secret: webhookSecret,
      deliveryId: ids[0]!,
    });
    const bot = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened({ number: 9, senderLogin: "renovate[bot]", senderType: "Bot" }),
      secret: webhookSecret,
    });
    // The duplicate and the bot's delivery must add no step later: the worker has nothing left to do.
    await system.relayIdle();

    const lines = parse(system.logs);
    const steps = (id: string) =>
      lines
        .filter((l) => l.deliveryId === id)
        .map((l) => (l.msg === "tool call" ? `tool call ${String(l.tool)}` : l.msg));
    expect(steps(ids[0]!)).toEqual([
      "delivery queued",
      "delivery claimed",
      "chat created",
      "completion started",
      "tool call post_issue_comment",
      "run comment posted",
      "completion finished",
      "comment posted by the model",
      "delivery finished",
      "duplicate delivery",
    ]);
    expect(steps(ids[1]!)).toEqual([
      "delivery queued",
      "delivery claimed",
      "chat created",
      "completion started",
      "completion finished",
      "fallback: the relay posted the model's answer",
      "delivery finished",
    ]);
    expect(steps(ids[2]!)).toEqual([
      "delivery queued",
      "delivery claimed",
      "chat created",
      "completion started",
      "completion finished",
      "run finished without a comment or an answer",
      "delivery failed",
    ]);
    expect(steps(bot.deliveryId)).toEqual(["delivery ignored"]);

    const of = (id: string, msg: string) => lines.find((l) => l.deliveryId === id && l.msg === msg)!;
    const chatId = of(ids[0]!, "chat created").chatId;
    expect(chatId).toEqual(expect.any(String));
    expect(of(ids[0]!, "delivery claimed")).toMatchObject({ level: "info", attempt: 1 });
    expect(of(ids[0]!, "completion finished")).toMatchObject({ chatId, ms: expect.any(Number) });
    const commentUrl = system.github.comments("Codertocat", "Hello-World", 1)[0]!.html_url;
    expect(of(ids[0]!, "delivery finished")).toMatchObject({ status: "done", commentUrl, ms: expect.any(Number) });
    expect(of(ids[1]!, "fallback: the relay posted the model's answer").commentUrl).toBe(
      system.github.comments("Codertocat", "Hello-World", 2)[0]!.html_url,
    );
    expect(of(ids[2]!, "delivery failed")).toMatchObject({
      level: "warn",
      status: "failed",
      reason: "the model neither called post_issue_comment nor gave an answer",
    });
    expect(of(bot.deliveryId, "delivery ignored")).toMatchObject({ reason: expect.stringMatching(/bot/i) });

    // No line names a delivery or its chat without carrying the delivery id as a field.
    for (const line of lines) {
      const text = JSON.stringify(line);
      if (ids.some((id) => text.includes(id)) || (chatId && text.includes(chatId)))
        expect(line.deliveryId, text).toBeDefined();
      expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(["debug", "info", "warn", "error"]).toContain(line.level);
    }
  });

  it("logs a retry with its error and the dead letter that ends it, with the delivery id", async () => {
    system = await startSystem({ script: analystScript(() => "x"), startRelay: false });
    system.github.addIssueFromPayload(issuesOpened());
    await system.startRelay({
      OPENWEBUI_URL: "http://127.0.0.1:9",
      RELAY_MAX_ATTEMPTS: "2",
      RELAY_RETRY_BASE_MS: "20",
    });
    const { deliveryId } = await deliver(system.webhookUrl, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    await finished(deliveryId);
    const lines = parse(system.logs).filter((l) => l.deliveryId === deliveryId);
    expect(lines.map((l) => l.msg)).toEqual([
      "delivery queued",
      "delivery claimed",
      "delivery will be retried",
      "delivery claimed",
      "delivery dead-lettered",
    ]);
    expect(lines[2]).toMatchObject({
      level: "warn",
      attempt: 1,
      inMs: expect.any(Number),
      error: expect.stringMatching(/Open WebUI could not be reached/),
    });
    expect(lines[3]).toMatchObject({ attempt: 2 });
    expect(lines[4]).toMatchObject({
      level: "error",
      status: "dead",
      reason: expect.stringMatching(/^gave up after 2 attempts/),
    });
  });

  describe("the relay process", () => {
    async function run(env: Record<string, string>): Promise<RelayProcess> {
      const github = await startGitHubStandIn();
      const dataDir = mkdtempSync(join(tmpdir(), "logs-"));
      const relay = await spawnRelay({
        GITHUB_WEBHOOK_SECRET: webhookSecret,
        GITHUB_TOKEN: "ghp_standin_token_0123456789",
        GITHUB_API_URL: github.url,
        GITHUB_REPOS: "octo/app",
        OPENWEBUI_URL: "http://127.0.0.1:9",
        OPENWEBUI_API_KEY: "sk-openwebui-key-for-log-tests",
        TOOL_SERVER_API_KEY: "tool-server-key-for-log-tests",
        PORT: "0",
        DATA_DIR: dataDir,
        ...env,
      });
      cleanups.push(async () => {
        await relay.kill("SIGKILL");
        await github.close();
        rmSync(dataDir, { recursive: true, force: true });
      });
      // At startup the relay asks GitHub for its own login (as an app: its slug): one response to log.
      await waitFor(
        () => github.requests.some((r) => r.path === "/user" || r.path === "/app"),
        "the relay to ask GitHub for its login",
      );
      return relay;
    }

    const outputLines = (relay: RelayProcess) =>
      parse(
        relay
          .output()
          .split("\n")
          .filter((l) => l.startsWith("{")),
      );

    it("logs from info up by default, and adds debug lines with DEBUG=true", async () => {
      const quiet = await run({});
      // Logged once GitHub's answer is in: a debug line about that answer would come before it.
      await waitFor(
        () => outputLines(quiet).some((l) => l.msg === "acting as GitHub user"),
        "the relay to log its GitHub login",
      );
      const quietLines = outputLines(quiet);
      expect(quietLines.find((l) => l.msg === "relay listening")).toMatchObject({ level: "info", service: "relay" });
      expect(quietLines.filter((l) => l.level === "debug")).toEqual([]);

      const verbose = await run({ DEBUG: "true" });
      const answered = await waitFor(
        () => outputLines(verbose).find((l) => l.msg === "GitHub answered"),
        "a debug line",
      );
      expect(answered).toMatchObject({
        level: "debug",
        service: "relay",
        method: "GET",
        url: "/user",
        status: 200,
        rateLimitRemaining: expect.any(Number),
      });
    });

    it("never writes the deployment's secrets, a PEM key included, even inside error messages", async () => {
      const { privateKey } = generateKeyPairSync("rsa", {
        modulusLength: 2048,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      });
      const secrets = {
        GITHUB_WEBHOOK_SECRET: webhookSecret,
        OPENWEBUI_API_KEY: "sk-openwebui-key-for-log-tests",
        TOOL_SERVER_API_KEY: "tool-server-key-for-log-tests",
        RELAY_ADMIN_TOKEN: "admin-token-for-log-tests-0123",
        METRICS_TOKEN: "metrics-token-for-log-tests-0123",
      };
      // The stand-in knows no app: the reconciler's JWT is refused, and that failure is logged.
      const echo = await listen(
        (req, res) => {
          res.writeHead(401, { "content-type": "application/json" }).end(
            JSON.stringify({
              detail: `Incorrect API key provided: ${(req.headers.authorization ?? "").replace(/^Bearer /, "")}`,
            }),
          );
        },
        0,
        "127.0.0.1",
      );
      cleanups.push(() => echo.close());
      const relay = await run({
        ...secrets,
        GITHUB_TOKEN: "",
        OPENWEBUI_URL: echo.url,
        DEBUG: "true",
        GITHUB_APP_ID: "12345",
        GITHUB_APP_PRIVATE_KEY: privateKey.replace(/\n/g, "\\n"),
        RELAY_RECONCILE_INTERVAL_MS: "1000",
      });
      await waitFor(
        () => outputLines(relay).find((l) => l.msg === "could not reconcile the webhook's deliveries"),
        "a reconcile failure",
        5_000,
      );
      // Some APIs echo a refused key in their error ("Incorrect API key provided: sk-..."), which the relay records and logs.
      // As an app the stand-in does not know, a run would stop at its first GitHub request (the repository's
      // own config file) before Open WebUI: a relay acting with a token takes the delivery.
      const withToken = await run({ ...secrets, OPENWEBUI_URL: echo.url, DEBUG: "true" });
      await deliver(`${withToken.url}/webhook/github`, {
        event: "issues",
        payload: issuesOpened({ owner: "octo", repo: "app" }),
        secret: webhookSecret,
      });
      const failed = await waitFor(
        () => outputLines(withToken).find((l) => l.msg === "delivery failed"),
        "the failed delivery's line",
      );
      expect(failed.reason).toMatch(
        /Open WebUI answered 401 to POST \/api\/v1\/chats\/new: Incorrect API key provided: \[redacted\]/,
      );
      // What the delivery keeps (shown by the page, the API and `npm run deliveries`) is masked too.
      const listed = await fetch(`${withToken.url}/api/deliveries`, {
        headers: { authorization: `Bearer ${secrets.RELAY_ADMIN_TOKEN}` },
      });
      const kept = await listed.text();
      expect(kept).toContain("Incorrect API key provided: [redacted]");
      for (const value of Object.values(secrets)) expect(kept).not.toContain(value);
      const output = relay.output() + withToken.output();
      for (const value of Object.values(secrets)) expect(output).not.toContain(value);
      const keyBody = privateKey.split("\n")[1]!;
      expect(output).not.toContain(keyBody.slice(0, 32));
      expect(output).not.toContain("PRIVATE KEY");
    });
  });

  it("masks configured secrets wherever they appear in a line, and secret-named fields at any depth", () => {
    const pem =
      "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAxyz0123456789abcdef\nline-two-of-the-key\n-----END RSA PRIVATE KEY-----";
    const secrets = ["whsec-0123456789", "ghp_token_0123456789", "sk-api-key-0123456789", pem];
    const lines: string[] = [];
    const logger = createLogger({
      level: "info",
      secrets,
      write: (line) => lines.push(line),
      base: { service: "test" },
    });
    const error = new Error(`GitHub refused ghp_token_0123456789 and could not read ${pem}`);
    logger.error("failed with whsec-0123456789 in the message", {
      deliveryId: "d-1",
      error,
      detail: {
        nested: { text: "key was sk-api-key-0123456789", authorization: "Bearer anything-at-all", privateKey: "raw" },
      },
      list: [{ password: "p4ssw0rd" }],
    });
    logger.debug("below the level");
    expect(lines).toHaveLength(1);
    const text = lines[0]!;
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain("MIIEowIBAAKCAQEAxyz");
    expect(text).not.toContain("anything-at-all");
    expect(text).not.toContain("p4ssw0rd");
    const line = JSON.parse(text) as Line;
    expect(Object.keys(line).slice(0, 4)).toEqual(["level", "time", "service", "msg"]);
    expect(line).toMatchObject({
      level: "error",
      msg: "failed with [redacted] in the message",
      deliveryId: "d-1",
      error: { name: "Error", message: "GitHub refused [redacted] and could not read [redacted]" },
      detail: { nested: { text: "key was [redacted]", authorization: "[redacted]", privateKey: "[redacted]" } },
      list: [{ password: "[redacted]" }],
    });
  });
});
