import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { ToolServerStores } from "../store/stores.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { defineTool } from "../tool-server/tool-definition.ts";
import { parseToolOutput } from "./support/parse-tool-output.ts";

const apiKey = "tool-server-key-output-0123";
// What the test tool's handler returns next; typed loosely on purpose, to return what a buggy handler would.
let nextAnswer: unknown;

const answerTool = defineTool({
  name: "answer_test",
  summary: "Test-only tool",
  description: "Answers whatever the test tells it to, to check the output check itself.",
  input: z.object({}),
  output: z.strictObject({
    ok: z.boolean().meta({ description: "Always true." }),
    author: z.object({ login: z.string().meta({ description: "A login." }) }).meta({ description: "Someone." }),
  }),
  handler: async () => nextAnswer as { ok: boolean; author: { login: string } },
});

describe("checking a tool's answers against its output schema", () => {
  let stores: ToolServerStores;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    stores = await openSqliteToolServerStores({ dataDir: ":memory:" });
    // GitHub is never called here: an address that refuses connections makes any call fail loudly.
    const env = {
      TOOL_SERVER_PORT: "0",
      TOOL_SERVER_API_KEY: apiKey,
      GITHUB_TOKEN: "ghp_standin_token_0123456789",
      GITHUB_API_URL: "http://127.0.0.1:9",
      GITHUB_REPOS: "octo/app",
    };
    server = await startToolServerFor(env, stores, { tools: [answerTool] });
  });

  afterAll(async () => {
    await server.close();
    await stores.close();
  });

  async function answerOf(answer: unknown) {
    nextAnswer = answer;
    const response = await fetch(`${server.url}/answer_test`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: "{}",
    });
    expect(response.status).toBe(200);
    return (await response.json()) as unknown;
  }

  it("accepts an answer that is exactly what the schema describes", async () => {
    const answer = await answerOf({ ok: true, author: { login: "octocat" } });
    expect(parseToolOutput(answerTool, answer)).toEqual({ ok: true, author: { login: "octocat" } });
  });

  it("fails when the handler returns a field the schema lacks, at the top or nested", async () => {
    const top = await answerOf({ ok: true, author: { login: "octocat" }, token: "x" });
    expect(() => parseToolOutput(answerTool, top)).toThrowError(
      /answer_test answered outside its output schema[\s\S]*token/,
    );
    // The nested object is not strict: zod would drop the field silently, so the check compares.
    const nested = await answerOf({ ok: true, author: { login: "octocat", email: "a@b.c" } });
    expect(() => parseToolOutput(answerTool, nested)).toThrowError(/fields its output schema does not list: .*email/);
  });

  it("fails when the handler returns a field of the wrong type, or leaves one out", async () => {
    const wrongType = await answerOf({ ok: "yes", author: { login: "octocat" } });
    expect(() => parseToolOutput(answerTool, wrongType)).toThrowError(/expected boolean[\s\S]*at ok/);
    const missing = await answerOf({ ok: true });
    expect(() => parseToolOutput(answerTool, missing)).toThrowError(/at author/);
  });
});
