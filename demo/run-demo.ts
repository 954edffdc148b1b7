// `npm run demo`: the whole thing on one machine, no accounts needed. The real
// Open WebUI, our relay and tool server; GitHub and the model are stand-ins
// from stand-ins/, so nothing leaves this machine.
import { deliver, issuesOpened, waitFor } from "../stand-ins/payloads.ts";
import { startRealSystem, webhookSecret, type RealSystem } from "../stand-ins/real-system.ts";
import { openWebUIVersion } from "../stand-ins/open-webui-instance.ts";
import { demoModel } from "./demo-model.ts";
import { demoOptions, type DemoOptions } from "./demo-options.ts";

const say = (line: string) => process.stdout.write(`${line}\n`);

/** Sends one recorded issues.opened delivery and tells its story; returns whether its comment was posted. */
async function firstRun(system: RealSystem, options: DemoOptions): Promise<boolean> {
  const payload = issuesOpened();
  const { owner, name } = { owner: payload.repository.owner.login, name: payload.repository.name };
  system.github.addIssueFromPayload(payload);
  say(
    `\nSending GitHub's recorded issues.opened delivery for ${payload.repository.full_name}#${payload.issue.number}, signed...`,
  );
  const response = await deliver(`${system.relayUrl}/webhook/github`, {
    event: "issues",
    payload,
    secret: webhookSecret,
  });
  say(`  relay answered ${response.status} ${await response.text()}`);
  const seconds = options.runTimeoutMs / 1000;
  const record = await waitFor(
    async () => {
      const r = await system.stores.deliveries.findByDeliveryId(response.deliveryId);
      return r && ["done", "failed"].includes(r.status) ? r : undefined;
    },
    `the first run to finish (${seconds} s; DEMO_RUN_TIMEOUT_S gives it longer)`,
    options.runTimeoutMs,
  );

  say(`\nRun ${record.status}: ${record.reason}`);
  say("\nTool calls Open WebUI made to the tool server:");
  for (const line of system.logs) {
    const entry = JSON.parse(line) as { msg: string; tool?: string; chatId?: string; user?: string };
    if (entry.msg === "tool call") say(`  ${entry.tool}  (chat ${entry.chatId}, user ${entry.user})`);
  }
  const comments = system.github.comments(owner, name, payload.issue.number);
  say(
    comments.length > 0
      ? "\nComment posted on the GitHub stand-in:\n"
      : "\nNo comment was posted on the GitHub stand-in.",
  );
  for (const comment of comments)
    say(
      comment.body
        .split("\n")
        .map((l) => `  | ${l}`)
        .join("\n"),
    );
  say(`\nOpen WebUI: ${system.openWebUI.url}`);
  if (record.chatId) say(`  the run's chat: ${system.openWebUI.url}/c/${record.chatId}`);
  return record.status === "done" && comments.length > 0;
}

function stayUp(system: RealSystem): void {
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
}

let options: DemoOptions;
try {
  options = demoOptions(process.argv.slice(2), process.env);
} catch (error) {
  process.stderr.write(`demo: ${(error as Error).message}\n`);
  process.exit(2);
}

say(
  `openwebui-github demo with Open WebUI ${openWebUIVersion}. ${options.once ? "Exits once the first run's comment is posted." : "Ctrl-C stops everything."}`,
);
let system: RealSystem | undefined;
try {
  system = await startRealSystem((line) => say(`  ${line}`), {
    ...(options.openWebUIPort ? { openWebUIPort: options.openWebUIPort } : {}),
  });
  system.model.setScript(demoModel);
  const posted = await firstRun(system, options);
  if (!options.once) stayUp(system);
  else if (!posted) throw new Error("the first run finished without posting its comment (see above)");
  else {
    say("\nThe first run's comment is posted: the demo worked. Stopping (--once).");
    await system.close();
    process.exit(0);
  }
} catch (error) {
  process.stderr.write(`\ndemo failed: ${(error as Error).message}\n`);
  if (system) await system.close().catch(() => {});
  process.exit(1);
}
