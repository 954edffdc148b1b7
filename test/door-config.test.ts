import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadRelayConfig } from "../config/load-relay-config.ts";
import { loadToolServerConfig } from "../config/load-tool-server-config.ts";
import { problemsOf } from "./support/config-problems.ts";

const root = resolve(import.meta.dirname, "..");

const fullEnv = {
  GITHUB_WEBHOOK_SECRET: "7f3c9a1e5b2d8046c1e9f7a3b5d20c84",
  GITHUB_TOKEN: "ghp_example_token_value",
  GITHUB_REPOS: "octo/app",
  OPENWEBUI_URL: "http://127.0.0.1:9/",
  OPENWEBUI_API_KEY: "sk-example",
  TOOL_SERVER_API_KEY: "tool-server-key-0123456789",
};

describe("weak secrets", () => {
  it.each([
    ["short", "abc123XYZ-9876"],
    ["one character repeated", "aaaaaaaaaaaaaaaaaaaaaaaa"],
    ["few different characters", "abcabcabcabc12121212"],
    ["a common word with digits", "password1234567890"],
    ["a common word in disguise", "Ch4ngeMe!Ch4ngeMe!2024"],
    ["common words only", "s3cr3t_p@ssw0rd_4dm1n_2025"],
  ])("refuses a %s RELAY_ADMIN_TOKEN or GITHUB_WEBHOOK_SECRET, saying how to make a good one", (_kind, weak) => {
    for (const name of ["RELAY_ADMIN_TOKEN", "GITHUB_WEBHOOK_SECRET"]) {
      const problems = problemsOf(() => loadRelayConfig({ ...fullEnv, [name]: weak }));
      expect(problems, name).toEqual([expect.stringMatching(new RegExp(`^${name} is too (short|easy to guess)`))]);
      expect(problems[0]).toContain("openssl rand -hex 32");
      // One line, and the weak value never echoed.
      expect(problems[0]).not.toContain("\n");
      expect(problems[0]).not.toContain(weak);
    }
  });

  it("takes random secrets, and an empty admin token (the admin API off)", () => {
    const config = loadRelayConfig({ ...fullEnv, RELAY_ADMIN_TOKEN: "q8Zr2mX4vL9tB6nW1cK7yH3p" });
    expect(config.adminToken).toBe("q8Zr2mX4vL9tB6nW1cK7yH3p");
    expect(config.webhookSecret).toBe(fullEnv.GITHUB_WEBHOOK_SECRET);
    expect(loadRelayConfig({ ...fullEnv, RELAY_ADMIN_TOKEN: "" }).adminToken).toBeNull();
  });

  it("keeps .env.example's advice on making them", () => {
    const example = readFileSync(join(root, ".env.example"), "utf8");
    for (const name of ["GITHUB_WEBHOOK_SECRET", "RELAY_ADMIN_TOKEN"]) {
      const block = example.split(`\n${name}=`)[0]!.split("\n\n").at(-1)!;
      expect(block.split("\n").slice(-3).join("\n"), name).toContain("openssl rand -hex 32");
    }
  });
});

describe("HOST and TRUST_PROXY", () => {
  it("listens on loopback unless HOST says otherwise, in both services", () => {
    expect(loadRelayConfig(fullEnv).host).toBe("127.0.0.1");
    expect(loadToolServerConfig(fullEnv).host).toBe("127.0.0.1");
    expect(loadRelayConfig({ ...fullEnv, HOST: "0.0.0.0" }).host).toBe("0.0.0.0");
    expect(loadToolServerConfig({ ...fullEnv, HOST: "::" }).host).toBe("::");
    expect(problemsOf(() => loadRelayConfig({ ...fullEnv, HOST: "everywhere" }))).toEqual([
      expect.stringMatching(/^HOST must be an IP address to listen on .*got "everywhere"$/),
    ]);
  });

  it("trusts no proxy by default, and the proxies named in TRUST_PROXY", () => {
    expect(loadRelayConfig(fullEnv).trustProxy).toEqual([]);
    expect(loadRelayConfig({ ...fullEnv, TRUST_PROXY: "off" }).trustProxy).toEqual([]);
    expect(loadRelayConfig({ ...fullEnv, TRUST_PROXY: "loopback, 10.0.0.0/8,fd00::1" }).trustProxy).toEqual([
      "loopback",
      "10.0.0.0/8",
      "fd00::1",
    ]);
    for (const bad of ["true", "caddy", "10.0.0.0/33"])
      expect(
        problemsOf(() => loadRelayConfig({ ...fullEnv, TRUST_PROXY: bad })),
        bad,
      ).toEqual([expect.stringMatching(/^TRUST_PROXY must be off, or the proxies in front/)]);
  });

  it("has the image listen on every interface and trust the compose network's proxy", () => {
    const env = Object.fromEntries(
      [...readFileSync(join(root, "Dockerfile"), "utf8").matchAll(/^ENV (.+)$/gm)].flatMap((m) =>
        m[1]!.split(/\s+/).map((pair) => pair.split("=") as [string, string]),
      ),
    );
    expect(env.HOST).toBe("0.0.0.0");
    expect(loadRelayConfig({ ...fullEnv, ...env }).host).toBe("0.0.0.0");
    expect(loadRelayConfig({ ...fullEnv, ...env }).trustProxy).toEqual(["uniquelocal"]);
  });
});
