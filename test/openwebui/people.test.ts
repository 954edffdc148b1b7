import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PeoplePolicy } from "../../config/people-schema.ts";
import { analystScript, lastToolResult, toolResults } from "../../stand-ins/model-scripts.ts";
import { openWebUIApi, openWebUIVersion } from "../../stand-ins/open-webui-instance.ts";
import { deliver, issuesOpened, waitFor } from "../../stand-ins/payloads.ts";
import { startRealSystem, toolServerKey, webhookSecret, type RealSystem } from "../../stand-ins/real-system.ts";
import type { ModelRequest } from "../../stand-ins/scripted-model.ts";
import { askInChat } from "../support/ask-in-chat.ts";
import { signUserJwt } from "../support/user-jwt.ts";

// Issue 12 through the real Open WebUI, its signed user JWT switched on (real-system.ts): three ordinary
// users in three groups ask for the same things; only the policy's grants tell them apart.
const policy: PeoplePolicy = {
  default: "none",
  grants: [
    { group: "maintainers", repos: ["octo/*"], access: "write" },
    { group: "readers", repos: ["octo/*"], access: "read" },
    { group: "partners", repos: ["Codertocat/*"], access: "read" },
  ],
  comments_per_hour: 20,
  attribution: true,
};
type Chat = { chat: { history: { messages: Record<string, { content?: string }> } } };
type Person = { id: string; name: string; token: string };
let system: RealSystem;
const people: Record<"mia" | "rita" | "ola", Person> = {} as never;
const progress = (line: string) => process.stdout.write(`[open-webui ${openWebUIVersion}] ${line}\n`);

/** Reads the issue named in the question, comments on it if it could, and says what happened to each. */
function readThenComment(request: ModelRequest) {
  const question = String([...request.messages].reverse().find((m) => m.role === "user")?.content ?? "");
  const [, owner, repo, number] = /([\w-]+)\/([\w-]+)#(\d+)/.exec(question) ?? [];
  const target = { owner, repo, issue_number: Number(number) };
  const done = toolResults(request).length;
  if (done === 0) return { toolCalls: [{ name: "get_issue", arguments: target }] };
  const result = lastToolResult(request);
  if (done === 1 && result.error) return { content: `READ REFUSED: ${String(result.error)}` };
  if (done === 1) return { toolCalls: [{ name: "post_issue_comment", arguments: { ...target, body: "Confirmed." } }] };
  return {
    content: result.error ? `COMMENT REFUSED: ${String(result.error)}` : `COMMENTED: ${String(result.html_url)}`,
  };
}

beforeAll(async () => {
  system = await startRealSystem(progress, { people: policy });
  const api = openWebUIApi(system.openWebUI.url);
  for (const [key, name, group] of [
    ["mia", "Mia Maintainer", "maintainers"],
    ["rita", "Rita Reader", "readers"],
    ["ola", "Ola Partner", "partners"],
  ] as const) {
    const details = { name, email: `${key}@example.com`, password: `${key}-password-0123` };
    const { id } = await api.addUser(system.adminToken, { ...details, role: "user" });
    const created = await api.request<{ id: string }>("POST", "/api/v1/groups/create", system.adminToken, {
      name: group,
      description: `${group} (issue 12 test)`,
    });
    await api.request("POST", `/api/v1/groups/id/${created.id}/users/add`, system.adminToken, { user_ids: [id] });
    people[key] = { id, name, token: await api.signIn(details.email, details.password) };
  }
  system.github.addIssue({ owner: "octo", repo: "app", number: 3, title: "Login button does nothing", body: "x" });
  system.model.setScript(readThenComment);
});

afterAll(async () => {
  await system?.close();
});

const ask = (person: Person, question: string) =>
  askInChat<Chat>(system.openWebUI.url, person.token, question, ["server:github"]);

describe(`people through the real Open WebUI ${openWebUIVersion}`, () => {
  it("two users in different groups ask the same: the maintainer's comment lands, the reader only reads", async () => {
    const question = "Read octo/app#3 and comment on it that it is confirmed.";
    const mia = await ask(people.mia, question);
    expect(mia.message.content).toMatch(/^COMMENTED: https:\/\/github\.com\/octo\/app\/issues\/3#issuecomment-/);
    const rita = await ask(people.rita, question);
    expect(rita.message.content).toMatch(/^COMMENT REFUSED: .*403.*may not write to octo\/app/);
    const comments = system.github.comments("octo", "app", 3);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^Confirmed\.\n\n---\n\*Asked by `Mia Maintainer` through Open WebUI\*/);
    // Logged by the verified Open WebUI user id, with where the comment went.
    const posted = system.logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === "person comment posted");
    expect(posted).toEqual([
      expect.objectContaining({ userId: people.mia.id, issue: "octo/app#3", url: comments[0]!.html_url }),
    ]);
  });

  it("a third user reads nothing of a repository outside their grants, and GitHub is not asked", async () => {
    const before = system.github.requests.length;
    const ola = await ask(people.ola, "Read octo/app#3 and comment on it that it is confirmed.");
    expect(ola.message.content).toMatch(/^READ REFUSED: .*403.*may not read octo\/app/);
    expect(system.github.requests.slice(before).filter((r) => r.path.includes("/octo/"))).toEqual([]);
  });

  it("refuses a forged JWT sent straight to the tool server with its key", async () => {
    const forged = await signUserJwt("a-secret-the-attacker-made-up-0123", {
      ...{ id: people.mia.id, name: people.mia.name, email: "mia@example.com", role: "user" },
    });
    const response = await fetch(`${system.toolServerUrl}/post_issue_comment`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        authorization: `Bearer ${toolServerKey}`,
        "x-openwebui-chat-id": "a-chat",
        "x-openwebui-user-jwt": forged,
      },
      body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 3, body: "Forged." }),
    });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { detail: string }).detail).toMatch(/not valid for this tool server/);
    expect(system.github.comments("octo", "app", 3)).toHaveLength(1);
  });

  it("still runs the relay's analyses, recognised by the relay account's signed identity, whatever people may do", async () => {
    system.model.setScript(analystScript(() => "An analysis."));
    system.github.addIssueFromPayload(issuesOpened());
    const response = await deliver(`${system.relayUrl}/webhook/github`, {
      event: "issues",
      payload: issuesOpened(),
      secret: webhookSecret,
    });
    const record = await waitFor(
      async () => {
        const found = await system.stores.deliveries.findByDeliveryId(response.deliveryId);
        return found && ["done", "failed", "dead"].includes(found.status) ? found : undefined;
      },
      "the delivery to finish",
      120_000,
    );
    expect(record).toMatchObject({ status: "done", reason: "commented by the model" });
    expect(await system.stores.runs.get(record.chatId!)).toMatchObject({ userId: system.adminId, live: false });
  });
});
