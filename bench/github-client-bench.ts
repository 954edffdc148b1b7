// The GitHub client's own cost, side by side: the hand-made pacing and retries against Octokit's
// throttling and retry plugins, in the same relay run (delivery -> scripted model -> get_issue and
// post_issue_comment through the tool server -> the run's comment) and in bare calls.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Octokit } from "@octokit/rest";
import type { GitHubClientOptions } from "../github/create-github-client.ts";
import { silentLogger } from "../lib/logger.ts";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { createDeployment } from "../deployment/create-deployment.ts";
import { openWebUIConnection } from "../open-webui/tool-server-connection.ts";
import { openSqliteRelayStores } from "../store/sqlite/open-sqlite-stores.ts";
import { startGitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { analystScript } from "../stand-ins/model-scripts.ts";
import { startOpenWebUIStandIn } from "../stand-ins/open-webui-stand-in.ts";
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { startScriptedModel } from "../stand-ins/scripted-model.ts";

export type ClientFactory = (options: GitHubClientOptions) => Octokit;

/** Time inside the client's calls and time on the wire, summed: their difference is what the client adds. */
interface Meter {
  calls: number;
  callMs: number;
  wireMs: number;
}

/** Builds clients with `factory`, each call and each fetch timed into `meter`. */
function metered(factory: ClientFactory, meter: Meter): ClientFactory {
  return (options) => {
    const base = options.fetch ?? fetch;
    const timedFetch: typeof fetch = async (input, init) => {
      const started = performance.now();
      try {
        return await base(input, init);
      } finally {
        meter.wireMs += performance.now() - started;
      }
    };
    const octokit = factory({ ...options, fetch: timedFetch });
    // Registered last, so outermost: it sees the whole call, the client's hooks and plugins included.
    octokit.hook.wrap("request", async (request, requestOptions) => {
      const started = performance.now();
      try {
        return await request(requestOptions);
      } finally {
        meter.calls++;
        meter.callMs += performance.now() - started;
      }
    });
    return octokit;
  };
}

const secret = "bench-github-client-secret";
const toolServerKey = "bench-github-client-tool-key-0123";
const token = "ghp_standin_token_0123456789";

/** GitHub, the model and Open WebUI stood in, with a tool server and a relay whose clients come from `factory`. */
async function startRunSystem(factory: ClientFactory, meter: Meter, modelDelayMs: number, issues: number) {
  const dataDir = mkdtempSync(join(tmpdir(), "bench-github-client-"));
  const github = await startGitHubStandIn();
  for (let number = 1; number <= issues; number++) github.addIssueFromPayload(issuesOpened({ number }));
  const model = await startScriptedModel({ script: analystScript(() => "Measured."), delayMs: modelDelayMs });
  const openWebUI = await startOpenWebUIStandIn({ modelUrl: model.url, modelApiKey: model.apiKey });
  const stores = await openSqliteRelayStores({ dataDir });
  const env = {
    GITHUB_WEBHOOK_SECRET: secret,
    GITHUB_TOKEN: token,
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: "Codertocat/*",
    OPENWEBUI_URL: openWebUI.url,
    OPENWEBUI_API_KEY: openWebUI.apiKey,
    TOOL_SERVER_API_KEY: toolServerKey,
    TOOL_SERVER_PORT: "0",
    PORT: "0",
    DATA_DIR: dataDir,
  };
  // GitHub's waits shortened as in the drain: the stand-in is not GitHub, and the clients' own cost is measured.
  const tuning = {
    retry: { retries: 1, baseDelayMs: 5 },
    pacing: { writeMs: 5, notificationMs: 5 },
    createClient: metered(factory, meter),
  };
  // One process's deployment: the relay and the tool server share the metered client, as in npm start.
  const deployment = createDeployment(
    { env, relay: loadRelayConfig(env), toolServer: loadToolServerConfig(env) },
    { logger: silentLogger, host: "127.0.0.1", github: tuning, pollIntervalMs: 20 },
  );
  const toolServer = await deployment.startToolServer(stores);
  await openWebUI.setToolServers([openWebUIConnection({ url: toolServer.url, key: toolServerKey, id: "github" })]);
  const relay = await deployment.startRelay(stores);
  return {
    /** One run, from the relay storing the delivery to the relay finishing it (the model's last answer in). */
    async run(number: number) {
      Object.assign(meter, { calls: 0, callMs: 0, wireMs: 0 });
      const response = await deliver(`${relay.url}/webhook/github`, {
        event: "issues",
        payload: issuesOpened({ number }),
        secret,
      });
      if (response.status !== 202) throw new Error(`delivery ${number} answered ${response.status}`);
      // `deliver` sends hook id 424242.
      const record = await waitFor(
        async () => {
          const found = await stores.deliveries.findByDeliveryId(response.deliveryId);
          return found && found.status !== "pending" && found.status !== "running" ? found : undefined;
        },
        `run ${number}`,
        60_000,
      );
      if (record.status !== "done" || github.comments("Codertocat", "Hello-World", number).length !== 1)
        throw new Error(`run ${number} ended ${record.status} (${record.reason}), not with one comment`);
      return {
        runMs: record.finishedAt! - record.receivedAt,
        calls: meter.calls,
        overheadMs: meter.callMs - meter.wireMs,
      };
    },
    async close() {
      await relay.close();
      await toolServer.close();
      await openWebUI.close();
      await model.close();
      await github.close();
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number, digits = 1) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** Both clients, alternating: bare calls (GET an issue, POST a comment), then whole relay runs. */
export async function benchGitHubClients(options: {
  clients: Record<string, ClientFactory>;
  quick: boolean;
  report: (what: string, value: string) => void;
  say: (line: string) => void;
}) {
  const names = Object.keys(options.clients);
  const T = 1_500;
  const realRunMs = 10_000;
  const rounds = options.quick ? 6 : 12;
  const calls = options.quick ? 150 : 400;
  options.say(
    `\nGitHub client, ${names.join(" vs ")} (${calls} bare calls each, interleaved; then ${rounds} relay runs each, one at a time, alternating; the scripted model takes T = ${T / 1000} s over a run's three answers):`,
  );

  const github = await startGitHubStandIn();
  github.addIssue({ owner: "octo", repo: "app", number: 1, title: "Bench", body: "x".repeat(2000) });
  const bare = names.map((name) => {
    const meter: Meter = { calls: 0, callMs: 0, wireMs: 0 };
    // No spacing: the bare calls measure the mechanism, not GitHub's waits.
    const octokit = metered(
      options.clients[name]!,
      meter,
    )({
      token,
      baseUrl: github.url,
      timeoutMs: 10_000,
      logger: silentLogger,
      pacing: { writeMs: 0, notificationMs: 0 },
    });
    return { name, meter, octokit, get: [] as number[], post: [] as number[] };
  });
  const once = async (client: (typeof bare)[number], call: () => Promise<unknown>, into: number[]) => {
    const before = client.meter.callMs - client.meter.wireMs;
    await call();
    into.push(client.meter.callMs - client.meter.wireMs - before);
  };
  for (let i = 0; i < calls; i++) {
    for (const client of i % 2 ? [...bare].reverse() : bare) {
      await once(
        client,
        () => client.octokit.rest.issues.get({ owner: "octo", repo: "app", issue_number: 1 }),
        client.get,
      );
      await once(
        client,
        () =>
          client.octokit.rest.issues.createComment({
            owner: "octo",
            repo: "app",
            issue_number: 1,
            body: "bench",
            request: { retries: 0 },
          }),
        client.post,
      );
    }
  }
  await github.close();
  for (const client of bare)
    options.report(
      `${client.name}: client's own time per call, p50 GET issue / POST comment`,
      `${fmt(median(client.get.slice(10)), 2)} / ${fmt(median(client.post.slice(10)), 2)} ms`,
    );

  const systems = await Promise.all(
    names.map(async (name) => {
      const meter: Meter = { calls: 0, callMs: 0, wireMs: 0 };
      return {
        name,
        system: await startRunSystem(options.clients[name]!, meter, T / 3, rounds + 1),
        runs: [] as Array<{ runMs: number; calls: number; overheadMs: number }>,
      };
    }),
  );
  try {
    // A first run each, not counted: the relay learns its own login then.
    for (const side of systems) await side.system.run(rounds + 1);
    for (let round = 0; round < rounds; round++) {
      for (const side of round % 2 ? [...systems].reverse() : systems) side.runs.push(await side.system.run(round + 1));
    }
  } finally {
    for (const side of systems) await side.system.close();
  }
  const perRun = new Map<string, number>();
  for (const side of systems) {
    const runMs = median(side.runs.map((r) => r.runMs));
    const overhead = median(side.runs.map((r) => r.overheadMs));
    const requests = median(side.runs.map((r) => r.calls));
    perRun.set(side.name, overhead);
    options.report(
      `${side.name}: relay run p50 (by run), GitHub requests per run`,
      `${fmt(runMs, 0)} ms (${side.runs.map((r) => fmt(r.runMs, 0)).join(", ")}), ${requests}`,
    );
    options.report(
      `${side.name}: client's own time per run p50 (by run), per request`,
      `${fmt(overhead)} ms (${side.runs.map((r) => fmt(r.overheadMs)).join(", ")}), ${fmt(overhead / requests, 2)} ms`,
    );
    options.report(
      `${side.name}: client's own time as a share of a run, T = ${T / 1000} s / a ${realRunMs / 1000} s model`,
      share(overhead, runMs - T),
    );
  }
  if (names.length === 2) {
    const [first, second] = systems;
    const added = perRun.get(second!.name)! - perRun.get(first!.name)!;
    const baseRun = median(first!.runs.map((r) => r.runMs)) - T;
    options.report(
      `${second!.name} over ${first!.name}: added time per run, share of a run with T = ${T / 1000} s / a ${realRunMs / 1000} s model`,
      `${fmt(added)} ms, ${share(added, baseRun)}`,
    );
  }

  /** `ms` as a share of a run that takes `rest` beyond its model, with the bench's model (T) and with a real one. */
  function share(ms: number, rest: number) {
    return `${fmt((ms / (rest + T)) * 100, 2)} % / ${fmt((ms / (rest + realRunMs)) * 100, 2)} %`;
  }
}
