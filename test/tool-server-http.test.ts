import { readFileSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { ToolServerStores } from "../store/stores.ts";
import { publishedDocumentPath } from "../tool-server/openapi/published-openapi-document.ts";
import { startToolServerFor } from "./support/start-services.ts";
import { startGitHubStandIn, type GitHubStandIn } from "../stand-ins/github-stand-in.ts";

const apiKey = "tool-server-key-for-tests-0123";
const keyed = { "content-type": "application/json", authorization: `Bearer ${apiKey}` };

// What the tools do is in tool-server.test.ts; this is the HTTP around them.
describe("the tool server's key, document and CORS", () => {
  let github: GitHubStandIn;
  let stores: ToolServerStores;
  let server: { url: string; close(): Promise<void> };
  const env = () => ({
    TOOL_SERVER_PORT: "0",
    TOOL_SERVER_API_KEY: apiKey,
    GITHUB_TOKEN: "ghp_standin_token_0123456789",
    GITHUB_API_URL: github.url,
    GITHUB_REPOS: "octo/app",
  });

  beforeAll(async () => {
    github = await startGitHubStandIn();
    github.addIssue({ owner: "octo", repo: "app", number: 7, title: "Crash on start", body: "It crashes." });
    stores = await openSqliteToolServerStores({ dataDir: ":memory:" });
    server = await startToolServerFor({ ...env(), TOOL_SERVER_CORS_ORIGINS: "https://chat.example.com" }, stores);
  });

  afterAll(async () => {
    await server.close();
    await stores.close();
    await github.close();
  });

  afterEach(() => {
    expect(github.unexpected).toEqual([]);
  });

  describe("authentication", () => {
    it.each([
      ["no Authorization header", {}],
      ["a wrong key", { authorization: "Bearer wrong-key-wrong-key-wrong" }],
      ["the key with a character missing", { authorization: `Bearer ${apiKey.slice(0, -1)}` }],
      ["the key as Basic auth", { authorization: `Basic ${apiKey}` }],
    ])("refuses a tool call with %s, and GitHub is not called", async (_name, headers) => {
      const before = github.requests.length;
      const response = await fetch(`${server.url}/get_issue`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 7 }),
      });
      expect(response.status).toBe(401);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/TOOL_SERVER_API_KEY/);
      expect(github.requests.length).toBe(before);
    });

    it("serves the OpenAPI document without a key, so Open WebUI and people can read it, the same as the one published in openapi/", async () => {
      const response = await fetch(`${server.url}/openapi.json`);
      expect(response.status).toBe(200);
      const served = (await response.json()) as { paths: object };
      expect(served.paths).toHaveProperty("/get_issue");
      expect(served).toEqual(JSON.parse(readFileSync(publishedDocumentPath, "utf8")));
    });
  });

  describe("CORS for user-level tool servers", () => {
    it("answers a preflight from an allowed origin with the headers Open WebUI's browser needs", async () => {
      const response = await fetch(`${server.url}/get_issue`, {
        method: "OPTIONS",
        headers: {
          origin: "https://chat.example.com",
          "access-control-request-method": "POST",
          "access-control-request-headers": "authorization,content-type",
        },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
      expect(response.headers.get("access-control-allow-headers")).toMatch(/Authorization.*Content-Type.*X-Session-Id/);
      expect(response.headers.get("access-control-allow-methods")).toMatch(/POST/);
      expect(response.headers.get("access-control-max-age")).toBe("600");
    });

    it("refuses a preflight from any other origin, naming the setting that allows it", async () => {
      const response = await fetch(`${server.url}/get_issue`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "POST" },
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(((await response.json()) as { detail: string }).detail).toMatch(
        /https:\/\/evil\.example .*TOOL_SERVER_CORS_ORIGINS/,
      );
    });

    it("lets the browser read a call's answer from an allowed origin only", async () => {
      const from = async (origin: string) => {
        const response = await fetch(`${server.url}/get_issue`, {
          method: "POST",
          headers: { ...keyed, origin },
          body: JSON.stringify({ owner: "octo", repo: "app", issue_number: 7 }),
        });
        expect(response.status).toBe(200);
        await response.arrayBuffer();
        return response.headers;
      };
      expect((await from("https://chat.example.com")).get("access-control-allow-origin")).toBe(
        "https://chat.example.com",
      );
      expect((await from("https://evil.example")).get("access-control-allow-origin")).toBeNull();
    });

    it("allows any origin when TOOL_SERVER_CORS_ORIGINS is *", async () => {
      const open = await startToolServerFor({ ...env(), TOOL_SERVER_CORS_ORIGINS: "*" }, stores);
      try {
        const response = await fetch(`${open.url}/get_issue`, {
          method: "OPTIONS",
          headers: { origin: "https://anywhere.example", "access-control-request-method": "POST" },
        });
        expect(response.status).toBe(204);
        expect(response.headers.get("access-control-allow-origin")).toBe("*");
      } finally {
        await open.close();
      }
    });
  });
});
