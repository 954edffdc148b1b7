// What one run costs in model requests and prompt tokens, per event kind a rule runs on, with the
// rule's own tools (MCP lists only those to the run) beside every tool (the OpenAPI connection).
// Part of `npm run bench`; alone: `npm run bench -- --events`.
import { encode } from "gpt-tokenizer";
import type { ConnectionKind } from "../open-webui/tool-server-connection.ts";
import { deliver, waitFor } from "../stand-ins/payloads.ts";
import type { ModelRequest } from "../stand-ins/scripted-model.ts";
import { commentOnceScript } from "./comment-once-script.ts";
import { eventKinds, eventKindsConfig, seedRepository } from "./event-kind-deliveries.ts";
import { benchWebhookSecret, startEventKindSystem } from "./event-kind-system.ts";

interface RunCost {
  requests: number;
  /** The first request's system and user messages and its `tools` JSON, in o200k_base tokens. */
  promptTokens: number;
  toolTokens: number;
  /** The names the first request offered, as the model saw them. */
  toolsOffered: string[];
}

const tokens = (text: string) => encode(text).length;

function firstRequestCost(request: ModelRequest) {
  const messages = request.messages
    .filter((m) => m.role === "system" || m.role === "user")
    .map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content ?? "")));
  const toolTokens = request.tools ? tokens(JSON.stringify(request.tools)) : 0;
  return {
    promptTokens: messages.reduce((sum, text) => sum + tokens(text), 0) + toolTokens,
    toolTokens,
    toolsOffered: (request.tools ?? []).map((t) => t.function.name),
  };
}

/** One delivery per kind, one at a time, through a system whose relay reaches the tools over `connection`. */
export async function measureEventKindCosts(connection: ConnectionKind): Promise<Map<string, RunCost>> {
  const system = await startEventKindSystem({ connection, configYaml: eventKindsConfig(), script: commentOnceScript });
  try {
    const payloads = new Map(eventKinds.map((k) => [k.kind, k.payload(system.github.login)]));
    seedRepository(system.github, payloads);
    const costs = new Map<string, RunCost>();
    for (const { kind } of eventKinds) {
      const before = system.model.requests.length;
      const sent = await deliver(system.webhookUrl, {
        event: kind.split(".")[0]!,
        payload: payloads.get(kind),
        secret: benchWebhookSecret,
      });
      if (sent.status !== 202) throw new Error(`${kind}: the relay answered ${sent.status}`);
      const record = await waitFor(async () => {
        const found = await system.stores.deliveries.findByDeliveryId(sent.deliveryId);
        return found && ["done", "failed", "ignored", "dead"].includes(found.status) ? found : undefined;
      }, `the ${kind} run`);
      if (record.status !== "done") throw new Error(`${kind}: the run ended ${record.status}: ${record.reason}`);
      const requests = system.model.requests.slice(before);
      costs.set(kind, { requests: requests.length, ...firstRequestCost(requests[0]!) });
    }
    const problems = [...system.model.errors, ...system.github.unexpected.map((r) => `GitHub ${r.method} ${r.path}`)];
    if (problems.length > 0) throw new Error(`the stand-ins saw mistakes: ${problems.join("; ")}`);
    return costs;
  } finally {
    await system.close();
  }
}

const fmt = (n: number) => n.toLocaleString("en-US");

export async function benchEventKindCosts(options: {
  report: (what: string, value: string) => void;
  say: (line: string) => void;
}) {
  options.say(
    "\nCost per run, per event kind (GitHub's recorded payload; a model that posts one comment from what the delivery carries, then answers; tokens: o200k_base, first request's system + user messages + tools JSON):",
  );
  const own = await measureEventKindCosts("mcp");
  const all = await measureEventKindCosts("openapi");
  const rows = eventKinds.map(({ kind }) => [kind, own.get(kind)!, all.get(kind)!] as const);
  for (const [kind, mine, every] of rows)
    options.report(
      `${kind}: model requests per run; first prompt tokens, rule's tools (MCP) / all tools (OpenAPI), of which tool schemas`,
      `${mine.requests} / ${every.requests}; ${fmt(mine.promptTokens)} / ${fmt(every.promptTokens)}, of which ${fmt(mine.toolTokens)} / ${fmt(every.toolTokens)} (${mine.toolsOffered.length} / ${every.toolsOffered.length} tools)`,
    );
  options.say(
    "\n| event kind | model requests per run | first prompt tokens, rule's tools (MCP) / all tools (OpenAPI) | of which tool schemas | tools offered |\n| --- | --- | --- | --- | --- |",
  );
  for (const [kind, mine, every] of rows)
    options.say(
      `| ${kind} | ${mine.requests} / ${every.requests} | ${fmt(mine.promptTokens)} / ${fmt(every.promptTokens)} | ${fmt(mine.toolTokens)} / ${fmt(every.toolTokens)} | ${mine.toolsOffered.length} / ${every.toolsOffered.length} |`,
    );
}
