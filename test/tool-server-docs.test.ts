import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openSqliteToolServerStores } from "../store/sqlite/open-sqlite-stores.ts";
import type { ToolServerStores } from "../store/stores.ts";
import { startToolServerFor } from "./support/start-services.ts";

const distDir = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

describe("the tool server's /docs", () => {
  let stores: ToolServerStores;
  let server: { url: string; close(): Promise<void> };

  beforeAll(async () => {
    stores = await openSqliteToolServerStores({ dataDir: ":memory:" });
    // GitHub is never called here: an address that refuses connections makes any call fail loudly.
    const env = {
      TOOL_SERVER_PORT: "0",
      TOOL_SERVER_API_KEY: "tool-server-key-docs-0123",
      GITHUB_TOKEN: "ghp_standin_token_0123456789",
      GITHUB_API_URL: "http://127.0.0.1:9",
      GITHUB_REPOS: "octo/app",
    };
    server = await startToolServerFor(env, stores);
  });

  afterAll(async () => {
    await server.close();
    await stores.close();
  });

  it("serves Swagger UI without a key, loading only its own scripts and /openapi.json, under a CSP", async () => {
    const page = await fetch(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toContain("<title>GitHub tools for Open WebUI - Swagger UI</title>");
    expect(html).toContain('<div id="swagger-ui"></div>');
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(sources).toEqual([
      "docs/favicon-32x32.png",
      "docs/swagger-ui.css",
      "docs/swagger-ui-bundle.js",
      "docs/init.js",
    ]);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).not.toMatch(/unsafe-|https?:/);

    const init = await fetch(`${server.url}/docs/init.js`);
    expect(init.headers.get("content-type")).toMatch(/^(text|application)\/javascript/);
    const script = await init.text();
    expect(script).toContain('url: new URL("openapi.json", window.location.href).href');
    expect(script).toContain("validatorUrl: null");
  });

  it("serves Swagger UI's files from the installed swagger-ui-dist, and nothing else from that folder", async () => {
    const bundle = await fetch(`${server.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get("content-type")).toMatch(/javascript/);
    expect(bundle.headers.get("cache-control")).toBe("public, max-age=86400");
    expect(Buffer.from(await bundle.arrayBuffer()).equals(readFileSync(join(distDir, "swagger-ui-bundle.js")))).toBe(
      true,
    );
    const css = await fetch(`${server.url}/docs/swagger-ui.css`);
    expect(css.headers.get("content-type")).toMatch(/^text\/css/);
    expect(await css.text()).toBe(readFileSync(join(distDir, "swagger-ui.css"), "utf8"));

    for (const path of [
      "/docs/index.html",
      "/docs/swagger-initializer.js",
      "/docs/package.json",
      "/docs/constructor",
      "/docs/..%2Fpackage.json",
    ]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(((await response.json()) as { detail: string }).detail).toMatch(/^No such endpoint/);
    }
  });

  it("sends /docs/ to /docs, so the page's relative addresses resolve", async () => {
    const response = await fetch(`${server.url}/docs/`, { redirect: "manual" });
    expect(response.status).toBe(301);
    expect(new URL(response.headers.get("location")!, `${server.url}/docs/`).href).toBe(`${server.url}/docs`);
  });
});
