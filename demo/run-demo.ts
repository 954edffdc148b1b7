// `npm run demo`: the whole thing on one machine, no accounts needed. The real
// Open WebUI, our relay and tool server; GitHub and the model are the test
// suite's stand-ins, so nothing leaves this machine.
import { analystScript, lastToolResult, toolResults } from "../test/support/model-scripts.ts";
import { deliver, issuesOpened, waitFor } from "../test/support/payloads.ts";
import type { ModelScript } from "../test/support/scripted-model.ts";
import { startRealSystem, webhookSecret } from "../test/openwebui/support/harness.ts";
import { freePort, openWebUIVersion } from "../test/openwebui/support/open-webui-instance.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);

// Plays a model: analyses issues for the relay, and answers people who name an issue as owner/repo#N.
const analyst = analystScript((issue) => `This looks like a typo report: "${String(issue.title)}". Suggested fix: correct the spelling and add a spell check to CI.`);
const demoModel: ModelScript = (request, index) => {
  const first = String(request.messages.find((m) => m.role === "user")?.content ?? "");
  if (/Issue number: \d+/.test(first)) return analyst(request, index);
  const last = String([...request.messages].reverse().find((m) => m.role === "user")?.content ?? "");
  const named = /([\w.-]+)\/([\w.-]+)#(\d+)/.exec(last);
  if (!named) return { content: "I am the demo's scripted model. Switch on the GitHub tools and ask me about Codertocat/Hello-World#1." };
  if (toolResults(request).length === 0 || request.messages.at(-1)?.role !== "tool") {
    return { toolCalls: [{ name: "get_issue", arguments: { owner: named[1], repo: named[2], issue_number: Number(named[3]) } }] };
  }
  const result = lastToolResult(request);
  if (result.error) return { content: `The tool refused: ${String(result.error)}` };
  return { content: `**${String(result.title)}** (${String(result.state)}, by ${String((result.author as { login?: string })?.login)}):\n\n${String(result.body)}` };
};

say(`openwebui-github demo with Open WebUI ${openWebUIVersion}. Ctrl-C stops everything.`);
const port = process.env.DEMO_OPENWEBUI_PORT ? Number(process.env.DEMO_OPENWEBUI_PORT) : await freePort();
const system = await startRealSystem((line) => say(`  ${line}`), { openWebUIPort: port });
system.model.setScript(demoModel);

const payload = issuesOpened();
system.github.addIssueFromPayload(payload);
say(`\nSending GitHub's recorded issues.opened delivery for ${payload.repository.full_name}#${payload.issue.number}, signed...`);
const response = await deliver(`${system.relayUrl}/webhook/github`, { event: "issues", payload, secret: webhookSecret });
say(`  relay answered ${response.status} ${await response.text()}`);
const record = await waitFor(async () => {
  const r = await system.stores.deliveries.get(`424242:${response.deliveryId}`);
  return r && ["done", "failed"].includes(r.status) ? r : undefined;
}, "the run", 180_000);

say(`\nRun ${record.status}: ${record.reason}`);
say("\nTool calls Open WebUI made to the tool server:");
for (const line of system.logs) {
  const entry = JSON.parse(line) as { msg: string; tool?: string; chatId?: string; user?: string };
  if (entry.msg === "tool call") say(`  ${entry.tool}  (chat ${entry.chatId}, user ${entry.user})`);
}
say("\nComment posted on the GitHub stand-in:\n");
for (const comment of system.github.comments(payload.repository.owner.login, payload.repository.name, payload.issue.number)) say(comment.body.split("\n").map((l) => `  | ${l}`).join("\n"));
say(`\nOpen WebUI: ${system.openWebUI.url}`);
say(`  the run's chat: ${system.openWebUI.url}/c/${record.chatId}`);
say(`  sign in as admin: ${system.openWebUI.admin.email} / ${system.openWebUI.admin.password}`);
say(`  or as a user:     ${system.user.email} / ${system.user.password}`);
say("  In a new chat, switch on the GitHub tools in the message input and ask about Codertocat/Hello-World#1.");
say("\nStaying up until Ctrl-C.");

let stopping = false;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    say("\nStopping...");
    void system.close().then(() => process.exit(0));
  });
}
