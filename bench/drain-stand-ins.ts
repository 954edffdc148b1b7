// The drain bench's far side, in a process of its own as Open WebUI and GitHub are in production:
// the GitHub stand-in with BENCH_ISSUES issues, a scripted model answering in BENCH_MODEL_DELAY_MS,
// the Open WebUI stand-in in front of it, and a tool server it has registered. Prints one JSON line
// with their addresses, then serves until it is killed.
import { createDeployment } from "../deployment/create-deployment.ts";
import { silentLogger } from "../lib/logger.ts";
import { openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { openWebUIConnection } from "../open-webui/tool-server-connection.ts";
import { startGitHubStandIn } from "../stand-ins/github-stand-in.ts";
import { startOpenWebUIStandIn } from "../stand-ins/open-webui-stand-in.ts";
import { issuesOpened } from "../stand-ins/payloads.ts";
import { startScriptedModel } from "../stand-ins/scripted-model.ts";

const issues = Number(process.env.BENCH_ISSUES ?? "0");
const toolServerKey = "bench-tool-server-key-0123456789";
const github = await startGitHubStandIn();
for (let number = 1; number <= issues; number++) github.addIssueFromPayload(issuesOpened({ number }));
const model = await startScriptedModel({
  script: () => ({ content: "Drained." }),
  delayMs: Number(process.env.BENCH_MODEL_DELAY_MS ?? "0"),
});
const openWebUI = await startOpenWebUIStandIn({ modelUrl: model.url, modelApiKey: model.apiKey });
// The relay names this server in its completions; the model here answers without calling it.
const toolEnv = {
  TOOL_SERVER_PORT: "0",
  TOOL_SERVER_API_KEY: toolServerKey,
  GITHUB_TOKEN: "ghp_standin_token_0123456789",
  GITHUB_API_URL: github.url,
  GITHUB_REPOS: "Codertocat/*",
};
const toolServer = await createDeployment(
  { env: toolEnv, relay: null, toolServer: loadToolServerConfig(toolEnv) },
  { logger: silentLogger, host: "127.0.0.1" },
).startToolServer(await openSqliteToolServerStores({ dataDir: ":memory:" }));
await openWebUI.setToolServers([openWebUIConnection({ url: toolServer.url, key: toolServerKey, id: "github" })]);
process.stdout.write(
  JSON.stringify({
    githubUrl: github.url,
    openWebUIUrl: openWebUI.url,
    openWebUIKey: openWebUI.apiKey,
    toolServerKey,
  }) + "\n",
);
