// `npm run bench`: speed and memory figures, measured side by side in one run on this machine.
// Ratios and medians matter more than absolute numbers: the machine is shared and noisy.
import autocannon from "autocannon";
import { Redis } from "ioredis";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { silentLogger } from "../lib/logger.ts";
import { pacedLoad, type PacedResult } from "./paced-load.ts";
import { createGitHubClient } from "../github/create-github-client.ts";
import { createPluginGitHubClient } from "./create-plugin-github-client.ts";
import { benchGitHubClients } from "./github-client-bench.ts";
import { benchEventKindCosts } from "./event-kind-costs.ts";
import { openRedisRelayStores } from "../store/redis/open-redis-stores.ts";
import { openSqliteRelayStores, openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { RelayStores } from "../store/stores.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { startGitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { deliver, examplePayload, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { startRedisServer } from "../stand-ins/redis-server.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { createDeployment } from "../deployment/create-deployment.ts";

const root = resolve(import.meta.dirname, "..");
const secret = "bench-webhook-secret";
const quick = process.argv.includes("--quick");
const seconds = quick ? 3 : 8;
// Saturation: rounds of a few seconds each, baseline and relay in turn.
const saturationRounds = quick ? 3 : 5;
const roundSeconds = quick ? 2 : 3;
// Fixed rates: rounds per side, and seconds per round.
const rateRounds = quick ? 2 : 3;
const rateSeconds = quick ? 2 : 3;
const rows: Array<[string, string]> = [];
const say = (line: string) => process.stdout.write(line + "\n");
const report = (what: string, value: string) => {
  rows.push([what, value]);
  say(`  ${what}: ${value}`);
};
const printTable = () => {
  say("\n| figure | value |\n| --- | --- |");
  for (const [what, value] of rows) say(`| ${what} | ${value} |`);
};
// `npm run bench -- --events`: only the cost per run of each event kind, without the load phases.
if (process.argv.includes("--events")) {
  await benchEventKindCosts({ report, say });
  printTable();
  process.exit(0);
}

// GitHub's recorded issues.opened payload with the longest body, padded to about 20 KB as a long issue would be.
// Each delivery is about an issue of its own, opened now: the relay runs issues.opened once per issue and
// ignores issues opened more than 72 hours ago, so one recorded body sent again would be a duplicate.
const payload = examplePayload("issues", "opened") as {
  issue: { body: string | null; number: number; created_at: string };
};
const step = "1. Open the README and read the paragraph about commits.\n";
const unpadded = JSON.stringify(payload).length;
payload.issue.body =
  (payload.issue.body ?? "") +
  "\n\nSteps to reproduce:\n" +
  step.repeat(Math.max(0, Math.ceil((20 * 1024 - unpadded) / step.length)));
payload.issue.created_at = new Date().toISOString();
// A placeholder as wide as any issue number the bench reaches, replaced per delivery (the body keeps its length).
const numberMark = 1_000_000_000;
payload.issue.number = numberMark;
const template = JSON.stringify(payload);
const body = template;
const [beforeNumber, afterNumber] = template.split(`"number":${numberMark}`) as [string, string];
const sign = (text: string) => "sha256=" + createHmac("sha256", secret).update(text).digest("hex");

function startProcess(
  args: string[],
  env: Record<string, string>,
  ready: RegExp,
): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], {
    cwd: root,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  return new Promise((done, fail) => {
    const onData = (d: Buffer) => {
      output += d;
      const match = ready.exec(output);
      if (match) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        child.stderr!.resume();
        done({ child, match });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", (d: Buffer) => (output += d));
    child.on("exit", (code) => fail(new Error(`exited ${code}: ${output}`)));
  });
}

/** CPU seconds (user + system, all threads) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** A load run, with the CPU time the server process spent per answered request: steadier than requests/s on a shared machine. */
async function loadMeasured(pid: number, url: string, options: Parameters<typeof load>[1]) {
  const before = cpuSeconds(pid);
  const started = performance.now();
  const result = await load(url, options);
  const cpu = cpuSeconds(pid) - before;
  const seconds = (performance.now() - started) / 1000;
  return {
    ...result,
    cpuPercent: (cpu / seconds) * 100,
    cpuMicrosPerRequest: (cpu * 1e6) / Math.max(1, result.ok + result.other),
  };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

let deliveryCounter = 0;
/** A new delivery: its own GUID and issue number, signed (the signing is the load generator's cost, as GitHub's). */
function nextDelivery() {
  const n = deliveryCounter++;
  const text = `${beforeNumber}"number":${String(numberMark + n)}${afterNumber}`;
  const headers = {
    "content-type": "application/json",
    "x-github-event": "issues",
    "x-github-hook-id": "1",
    "x-github-delivery": `bench-${process.pid}-${n}`,
    "x-hub-signature-256": sign(text),
    "user-agent": "GitHub-Hookshot/bench",
  };
  return { body: text, headers };
}
const paced = (url: string, rate: number) => pacedLoad(url, { rate, seconds: rateSeconds, delivery: nextDelivery });
async function load(url: string, options: { connections: number; duration?: number; amount?: number }) {
  const result = await autocannon({
    url,
    method: "POST",
    connections: options.connections,
    ...(options.amount ? { amount: options.amount } : { duration: options.duration ?? seconds }),
    requests: [
      {
        setupRequest: (request) => {
          const delivery = nextDelivery();
          request.headers = delivery.headers;
          request.body = delivery.body;
          return request;
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result["2xx"],
    other: result.non2xx + result.errors + result.timeouts,
  };
}

/**
 * The relay's own view of how long its 202s took (openwebui_github_webhook_answer_seconds): the
 * cumulative count per bucket bound. Two readings around a round give that round's distribution.
 */
const metricsToken = "bench-metrics-token-0123456789";
async function answerBuckets(relayBase: string): Promise<Map<number, number>> {
  const text = await (
    await fetch(`${relayBase}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
  ).text();
  const buckets = new Map<number, number>();
  for (const line of text.split("\n")) {
    if (!line.startsWith("openwebui_github_webhook_answer_seconds_bucket{") || !line.includes('code="202"')) continue;
    const le = /le="([^"]+)"/.exec(line)![1]!;
    buckets.set(le === "+Inf" ? Infinity : Number(le), Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return buckets;
}
/** The bucket bound (ms) that 99 % of a round's answers were within, from two readings. */
function p99Bound(before: Map<number, number>, after: Map<number, number>): number {
  const bounds = [...after.keys()].sort((a, b) => a - b);
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  return bounds.find((le) => (after.get(le) ?? 0) - (before.get(le) ?? 0) >= 0.99 * total)! * 1000;
}

/** Writes still on their way to the disk from the phase before would otherwise be measured in the next. */
const settleDisk = () => spawnSync("sync", { stdio: "ignore" });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

say(
  `openwebui-github bench (${quick ? "quick" : "full"}), payload ${fmt(body.length / 1024, 1)} KB, node ${process.version}`,
);

/**
 * The backends, each as durable as it can be: SQLite with synchronous=FULL, and
 * a temporary redis-server with appendonly yes and appendfsync always (a 2xx
 * only after the write is fsynced). Redis is skipped without redis-server.
 */
interface Backend {
  name: string;
  env: Record<string, string>;
  openStore(): Promise<RelayStores>;
  /** Drops what the acknowledgement phase stored, so later phases do not run beside its upkeep. */
  clearData(): Promise<void>;
  cleanup(): Promise<void>;
}
const backends: Backend[] = [];
const dataDir = mkdtempSync(join(tmpdir(), "bench-relay-"));
const removeDataDir = async () => rmSync(dataDir, { recursive: true, force: true });
backends.push({
  name: "SQLite",
  env: { DATA_DIR: dataDir },
  openStore: () => openSqliteRelayStores({ dataDir }),
  clearData: removeDataDir,
  cleanup: removeDataDir,
});
if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0) {
  // No automatic log rewrite: it would rewrite the acknowledgement phase's gigabyte while the drain is measured.
  const redis = await startRedisServer([
    "--appendonly",
    "yes",
    "--appendfsync",
    "always",
    "--auto-aof-rewrite-percentage",
    "0",
  ]);
  const redisStore = { url: redis.url, prefix: "bench", connectTimeoutMs: 5_000, commandTimeoutMs: 5_000 };
  const flushAll = async () => {
    const client = new Redis(redis.url);
    await client.flushall();
    await client.quit();
  };
  backends.push({
    name: "Redis",
    env: { REDIS_URL: redis.url, REDIS_PREFIX: "bench" },
    openStore: () => openRedisRelayStores(redisStore),
    clearData: flushAll,
    cleanup: () => redis.close(),
  });
} else {
  say("redis-server is not on PATH: the Redis backend is not measured (apt-get install redis-server)");
}

// 1. The acknowledgement path, and 2. a burst of 10,000 deliveries with memory sampled, per backend.
const baseline = await startProcess(["bench/baseline-server.ts"], { BENCH_SECRET: secret }, /listening (\d+)/);
const baselineUrl = `http://127.0.0.1:${baseline.match[1]}/webhook/github`;
for (const backend of backends) {
  const relay = await startProcess(
    ["bin/relay.ts"],
    {
      GITHUB_WEBHOOK_SECRET: secret,
      GITHUB_TOKEN: "ghp_bench",
      GITHUB_REPOS: "Codertocat/*",
      GITHUB_BOT_LOGIN: "bench-bot",
      GITHUB_API_URL: "http://127.0.0.1:9",
      OPENWEBUI_URL: "http://127.0.0.1:9",
      OPENWEBUI_API_KEY: "sk-bench",
      PORT: "0",
      ...backend.env,
      // Receive and store only: the worker's runs are measured separately.
      RELAY_WORKER: "false",
      METRICS_TOKEN: metricsToken,
    },
    /"msg":"relay listening","url":"([^"]+)"/,
  );
  const relayUrl = `${relay.match[1]}/webhook/github`;
  let acked = 0;
  const relayLoad = async (options: Parameters<typeof load>[1]) => {
    const result = await load(relayUrl, options);
    acked += result.ok;
    return result;
  };

  say(`\nAcknowledgement path, ${backend.name} store (saturation, 32 connections):`);
  await load(baselineUrl, { connections: 32, duration: 2 });
  await relayLoad({ connections: 32, duration: 2 });
  // Alternating short rounds, each relay round next to a baseline round: other work on a shared
  // machine then weighs on both sides of each ratio, and the median ratio is what is reported.
  const rounds: Array<{
    floor: Awaited<ReturnType<typeof loadMeasured>>;
    ours: Awaited<ReturnType<typeof loadMeasured>>;
  }> = [];
  for (let round = 0; round < saturationRounds; round++) {
    const floor = await loadMeasured(baseline.child.pid!, baselineUrl, { connections: 32, duration: roundSeconds });
    const ours = await loadMeasured(relay.child.pid!, relayUrl, { connections: 32, duration: roundSeconds });
    acked += ours.ok;
    rounds.push({ floor, ours });
  }
  const middle = (pick: (round: (typeof rounds)[number]) => number) => median(rounds.map(pick));
  const ratios = rounds.map((r) => fmt(r.ours.rps / r.floor.rps, 2));
  report(
    `${backend.name}: requests/s baseline / relay`,
    `${fmt(middle((r) => r.floor.rps))} / ${fmt(middle((r) => r.ours.rps))} (ratio ${fmt(median(rounds.map((r) => r.ours.rps / r.floor.rps)), 2)}, median of ${rounds.length} rounds: ${ratios.join(", ")})`,
  );
  report(
    `${backend.name}: CPU per request at saturation, baseline / relay`,
    `${fmt(middle((r) => r.floor.cpuMicrosPerRequest))} / ${fmt(middle((r) => r.ours.cpuMicrosPerRequest))} µs (processes at ${fmt(middle((r) => r.floor.cpuPercent))} % / ${fmt(middle((r) => r.ours.cpuPercent))} % of a core)`,
  );
  report(
    `${backend.name}: saturation latency p50/p99 baseline / relay`,
    `${middle((r) => r.floor.p50)} / ${middle((r) => r.floor.p99)} ms, ${middle((r) => r.ours.p50)} / ${middle((r) => r.ours.p99)} ms`,
  );
  // Fixed rates: requests paced evenly (bench/paced-load.ts), baseline and relay in alternating
  // rounds; the medians of the rounds are reported, with how late the sender itself ran.
  settleDisk();
  for (const rate of [500, 1000]) {
    const floorRounds: PacedResult[] = [];
    const ourRounds: PacedResult[] = [];
    const insideRounds: number[] = [];
    for (let round = 0; round < rateRounds; round++) {
      floorRounds.push(await paced(baselineUrl, rate));
      const before = await answerBuckets(relay.match[1]!);
      const ours = await paced(relayUrl, rate);
      insideRounds.push(p99Bound(before, await answerBuckets(relay.match[1]!)));
      acked += ours.ok;
      ourRounds.push(ours);
    }
    const at = (results: PacedResult[], pick: (r: PacedResult) => number) => fmt(median(results.map(pick)), 1);
    report(
      `${backend.name}: p50/p99 at ${rate}/s relay (baseline)`,
      `${at(ourRounds, (r) => r.p50)} / ${at(ourRounds, (r) => r.p99)} ms (${at(floorRounds, (r) => r.p50)} / ${at(floorRounds, (r) => r.p99)} ms); p99 by round ${ourRounds.map((r) => fmt(r.p99, 1)).join(", ")} (${floorRounds.map((r) => fmt(r.p99, 1)).join(", ")}); sender late p99 ${at([...ourRounds, ...floorRounds], (r) => r.senderLateP99)} ms; ${fmt(ourRounds.reduce((n, r) => n + r.other, 0))} not 2xx`,
    );
    report(
      `${backend.name}: p99 at ${rate}/s inside the relay (request headers to answer sent), by round`,
      insideRounds.map((ms) => `≤ ${fmt(ms, 1)} ms`).join(", "),
    );
  }

  say(`\nBurst of 10,000 deliveries, ${backend.name} store:`);
  let peak = 0;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(relay.child.pid!))), 50);
  const burstStarted = Date.now();
  const burst = await relayLoad({ connections: 64, amount: 10_000 });
  clearInterval(sampler);
  report(
    `${backend.name}: burst answered 2xx`,
    `${fmt(burst.ok)} of 10,000 (${fmt(burst.other)} other) in ${fmt((Date.now() - burstStarted) / 1000, 1)} s, relay peak RSS ${fmt(peak)} MB`,
  );
  relay.child.kill("SIGTERM");
  await new Promise((r) => relay.child.once("exit", r));

  const store = await backend.openStore();
  const stored = await store.deliveries.counts();
  await store.close();
  // Timed runs end with requests in flight: those are stored but their answers are not counted, so the store may hold a few more.
  report(
    `${backend.name}: relay 2xx answers / deliveries stored`,
    `${fmt(acked)} / ${fmt(stored.pending)}${stored.pending >= acked ? " (every 2xx stored)" : " (FEWER STORED THAN ACKNOWLEDGED)"}`,
  );
  await backend.clearData();
  settleDisk();
}
baseline.child.kill("SIGTERM");

// 3. Draining the queue: runs against a model that answers in a fixed time T, C at a time.
for (const backend of backends) {
  const T = 1500;
  const C = 8;
  // 8 idle runs, then 7 rounds of C (3 when quick). Not more: the relay keeps to GitHub's budget of 80
  // new comments a minute (GITHUB_COMMENTS_PER_MINUTE), and past it runs wait, as they should.
  const N = quick ? 32 : 64;
  say(
    `\nDrain, ${backend.name} store (scripted model answers in T = 1.5 s, like a real model's seconds; RELAY_CONCURRENCY C = 8; 8 runs one at a time, then a backlog of ${N - 8}):`,
  );
  settleDisk();
  const firstByte = new Map<number, number>();
  // When each issue's comment was created: with the first byte, a run's length as the relay sees it.
  const commented = new Map<number, number>();
  // Open WebUI, the model and GitHub answer from a process of their own, as they would in production:
  // in this one they would share the relay's event loop, and each round's C tails would queue there.
  const far = await startProcess(
    ["bench/drain-stand-ins.ts"],
    { BENCH_ISSUES: String(N), BENCH_MODEL_DELAY_MS: String(T) },
    /\{"githubUrl".*\}\n/,
  );
  const farSide = JSON.parse(far.match[0]) as {
    githubUrl: string;
    openWebUIUrl: string;
    openWebUIKey: string;
    toolServerKey: string;
  };
  const drainDir = mkdtempSync(join(tmpdir(), "bench-drain-"));
  const prefix = `drain-${process.pid}`;
  const store = backend.env.REDIS_URL
    ? await openRedisRelayStores({
        url: backend.env.REDIS_URL,
        prefix,
        connectTimeoutMs: 5_000,
        commandTimeoutMs: 5_000,
      })
    : await openSqliteRelayStores({ dataDir: drainDir });
  const relayEnv = {
    GITHUB_WEBHOOK_SECRET: secret,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: farSide.githubUrl,
    GITHUB_REPOS: "Codertocat/*",
    OPENWEBUI_URL: farSide.openWebUIUrl,
    OPENWEBUI_API_KEY: farSide.openWebUIKey,
    TOOL_SERVER_API_KEY: farSide.toolServerKey,
    PORT: "0",
    RELAY_CONCURRENCY: String(C),
    ...(backend.env.REDIS_URL ? { REDIS_URL: backend.env.REDIS_URL, REDIS_PREFIX: prefix } : { DATA_DIR: drainDir }),
  };
  // The relay's first request of a run is the chat it creates; its title names the issue.
  const relayFetch: typeof fetch = (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (url.endsWith("/api/v1/chats/new")) {
      const number = Number(/#(\d+):/.exec(String(init?.body ?? ""))?.[1]);
      if (!firstByte.has(number)) firstByte.set(number, performance.now());
    }
    const comment = init?.method === "POST" ? /\/issues\/(\d+)\/comments$/.exec(url) : null;
    if (!comment) return fetch(input, init);
    return fetch(input, init).then((response) => {
      if (response.status === 201) commented.set(Number(comment[1]), performance.now());
      return response;
    });
  };
  // GitHub's waits shortened as in the tests: the stand-in is not GitHub, and the runs are what is measured.
  const github = { retry: { retries: 1, baseDelayMs: 5 }, pacing: { writeMs: 5, notificationMs: 5 } };
  const start = (env: Record<string, string> = {}) => {
    const all = { ...relayEnv, ...env };
    return createDeployment(
      { env: all, relay: loadRelayConfig(all), toolServer: null },
      { logger: silentLogger, host: "127.0.0.1", github, pollIntervalMs: 100, fetch: relayFetch },
    ).startRelay(store);
  };
  let relay = await start();
  const webhookUrl = () => `${relay.url}/webhook/github`;
  const acked = new Map<number, number>();
  // Idle overhead first: one delivery at a time, waiting for each run to finish.
  for (let number = 1; number <= 8; number++) {
    // From sending the delivery: an upper bound of ack-to-first-byte (it includes the ack itself).
    acked.set(number, performance.now());
    await deliver(webhookUrl(), { event: "issues", payload: issuesOpened({ number }), secret });
    await waitFor(() => commented.has(number), "the idle run", 30_000);
  }
  const idle = [...Array(8).keys()].map((i) => firstByte.get(i + 1)! - acked.get(i + 1)!);
  // The backlog: stored while the relay takes deliveries with its worker off, then drained by a relay
  // started with it on. The clock runs from that start to the last comment the relay saw created.
  await relay.close();
  relay = await start({ RELAY_WORKER: "false" });
  await Promise.all(
    Array.from({ length: N - 8 }, (_, i) => i + 9).map(async (number) => {
      const response = await deliver(webhookUrl(), { event: "issues", payload: issuesOpened({ number }), secret });
      if (response.status !== 202) throw new Error(`delivery ${number} answered ${response.status}`);
    }),
  );
  await relay.close();
  const started = performance.now();
  relay = await start();
  await waitFor(() => commented.size === N, "the drain", 120_000);
  const elapsed = (Math.max(...commented.values()) - started) / 1000;
  const throughput = (N - 8) / elapsed;
  report(
    `${backend.name}: drain throughput (runs/s) vs C/T`,
    `${fmt(throughput, 2)} vs ${fmt(C / (T / 1000), 2)} (${fmt((throughput / (C / (T / 1000))) * 100, 1)} %)`,
  );
  report(
    `${backend.name}: idle overhead, delivery sent to first byte to Open WebUI, p50`,
    `${fmt(median(idle), 2)} ms`,
  );
  // What a run takes beyond the model's T while draining: the relay's requests, the stand-ins' answers, waiting for a write slot.
  const beyond = Array.from({ length: N - 8 }, (_, i) => commented.get(i + 9)! - firstByte.get(i + 9)! - T);
  report(
    `${backend.name}: drain, a run's time beyond T (chat created to comment posted), p50 / max`,
    `${fmt(median(beyond), 1)} / ${fmt(Math.max(...beyond), 1)} ms`,
  );
  await relay.close();
  await store.close();
  far.child.kill("SIGTERM");
  rmSync(drainDir, { recursive: true, force: true });
}
for (const backend of backends) await backend.cleanup();

// 4. The tool server's own cost over a direct GitHub call (both against the stand-in).
const calls = quick ? 400 : 1000;
say(`\nTool server overhead (get_issue, ${calls} calls each, sequential, interleaved):`);
const github = await startGitHubStandIn();
github.addIssue({ owner: "octo", repo: "app", number: 1, title: "Bench", body: "x".repeat(2000) });
const toolStore = await openSqliteToolServerStores({ dataDir: ":memory:" });
const toolEnv = {
  TOOL_SERVER_PORT: "0",
  TOOL_SERVER_API_KEY: "bench-tool-key-0123456789",
  GITHUB_TOKEN: "ghp_standin_token_0123456789",
  GITHUB_API_URL: github.url,
  GITHUB_REPOS: "octo/app",
};
const toolServer = await createDeployment(
  { env: toolEnv, relay: null, toolServer: loadToolServerConfig(toolEnv) },
  { logger: silentLogger, host: "127.0.0.1" },
).startToolServer(toolStore);
const direct = createGitHubClient({
  token: "ghp_standin_token_0123456789",
  baseUrl: github.url,
  timeoutMs: 10_000,
  logger: silentLogger,
});
// Both sides use the same HTTP client: Octokit sends with the global fetch, as the tool call below does,
// and both keep their connection alive (fetch's default agent), so neither pays a TCP handshake per call.
// A bare server answering the same JSON shows what one more loopback hop costs by itself.
const { createServer } = await import("node:http");
const issueJson = JSON.stringify((await direct.rest.issues.get({ owner: "octo", repo: "app", issue_number: 1 })).data);
const bare = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.setHeader("content-type", "application/json").end(issueJson));
});
await new Promise<void>((done) => bare.listen(0, "127.0.0.1", done));
const bareUrl = `http://127.0.0.1:${(bare.address() as { port: number }).port}/get_issue`;
const directTimes: number[] = [];
const viaTimes: number[] = [];
const hopTimes: number[] = [];
for (let i = 0; i < calls; i++) {
  let t = performance.now();
  await direct.rest.issues.get({ owner: "octo", repo: "app", issue_number: 1 });
  directTimes.push(performance.now() - t);
  t = performance.now();
  const response = await fetch(`${toolServer.url}/get_issue`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer bench-tool-key-0123456789" },
    body: '{"owner":"octo","repo":"app","issue_number":1}',
  });
  await response.arrayBuffer();
  viaTimes.push(performance.now() - t);
  t = performance.now();
  await (
    await fetch(bareUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"owner":"octo","repo":"app","issue_number":1}',
    })
  ).arrayBuffer();
  hopTimes.push(performance.now() - t);
}
bare.close();
report("get_issue p50 direct / via tool server", `${fmt(median(directTimes), 2)} / ${fmt(median(viaTimes), 2)} ms`);
report("tool server overhead p50", `${fmt(median(viaTimes) - median(directTimes), 2)} ms`);
report("a bare loopback HTTP hop with the same answer, p50", `${fmt(median(hopTimes), 2)} ms`);
await toolServer.close();
await toolStore.close();
await github.close();

// 5. The GitHub client's own cost in a relay run: the hand-made one against Octokit's plugins.
await benchGitHubClients({
  clients: { "hand-made": createGitHubClient, plugins: createPluginGitHubClient },
  quick,
  report,
  say,
});

// 6. What a run costs in model requests and prompt tokens, per event kind.
await benchEventKindCosts({ report, say });

printTable();
