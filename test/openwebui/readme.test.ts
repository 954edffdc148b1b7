import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

// The README's quick start, run as a newcomer would: in a fresh clone, in the order written.
const root = resolve(import.meta.dirname, "..", "..");
const demoBlock = "npm ci && npm run demo";
const testBlock = "npm ci && npm test";
// npm ci on a cold machine, plus Open WebUI's first install when this file runs first.
const demoTimeoutMs = 2_400_000;

function shellBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:sh|bash|shell)\n([\s\S]*?)^```/gm)].map((m) => m[1]!.trim());
}

/** A shell script's lines, without comments and blank lines. */
function scriptCommands(script: string): string[] {
  return script
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

function run(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    // Its own process group, so a run past its deadline is stopped whole (npm, tsx, Open WebUI).
    const child = spawn("bash", ["-c", command], { cwd, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d));
    child.stderr.on("data", (d: Buffer) => (output += d));
    const timer = setTimeout(() => {
      output += `\n[readme.test: killed after ${timeoutMs} ms]`;
      process.kill(-child.pid!, "SIGKILL");
    }, timeoutMs);
    child.on("exit", (code) => {
      clearTimeout(timer);
      done({ code, output });
    });
  });
}

describe("the README's quick start", () => {
  const blocks = shellBlocks(readFileSync(join(root, "README.md"), "utf8"));
  const clone = mkdtempSync(join(tmpdir(), "readme-clone-"));
  afterAll(() => rmSync(clone, { recursive: true, force: true }));

  it("starts with the demo block, then the test block", () => {
    expect(blocks.slice(0, 2)).toEqual([demoBlock, testBlock]);
  });

  it("has .ci/run run the test block's commands, in its order", () => {
    // .ci/run is what runs `npm test` in CI, so running the block here would run this suite inside itself.
    const commands = scriptCommands(readFileSync(join(root, ".ci", "run"), "utf8"));
    const npmCi = commands.findIndex((c) => /^npm ci(\s|$)/.test(c));
    const npmTest = commands.indexOf("npm test");
    expect(testBlock.split("&&").map((c) => c.trim())).toEqual(["npm ci", "npm test"]);
    expect(npmCi, ".ci/run runs npm ci").toBeGreaterThanOrEqual(0);
    expect(npmTest, ".ci/run runs npm test after npm ci").toBeGreaterThan(npmCi);
  });

  it(
    "runs the demo block in a fresh clone of HEAD until the first run's comment is posted",
    async () => {
      const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
      execFileSync("git", ["clone", "--quiet", root, clone]);
      execFileSync("git", ["checkout", "--quiet", "--detach", head], { cwd: clone });
      // A person's shell: none of vitest's variables; DEMO_ONCE=1 is the demo's documented once mode.
      const env = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith("VITEST") && k !== "NODE_ENV"),
      );
      const { code, output } = await run(blocks[0]!, clone, { ...env, DEMO_ONCE: "1" }, demoTimeoutMs - 60_000);
      const tail = output.split("\n").slice(-60).join("\n");
      expect(code, tail).toBe(0);
      expect(output).toContain("\nRun done:");
      expect(output).toMatch(/Comment posted on the GitHub stand-in:\n\n {2}\| 🤖 \*\*AI Analysis\*\*/);
      expect(output).toContain("The first run's comment is posted: the demo worked.");
    },
    demoTimeoutMs,
  );
});
