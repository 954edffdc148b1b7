import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startToolTestServer, type ToolTestServer } from "./support/tool-test-server.ts";

describe("get_file_contents", () => {
  let tools: ToolTestServer;
  const app = { owner: "octo", repo: "app" };

  beforeAll(async () => {
    tools = await startToolTestServer({ runs: [{ chatId: "chat-of-run", ...app, issueNumber: 7 }] });
    const { github } = tools;
    github.addFile({ ...app, path: "README.md", content: "# App\n<!-- shown -->\nif (a \u202E&& b)\n" });
    github.addFile({ ...app, path: "src/index.ts", content: "export {};\n" });
    github.addFile({ ...app, path: "src/long.txt", content: "0123456789".repeat(4_500) });
    github.addFile({
      ...app,
      path: "logo.png",
      content: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00]),
    });
    github.addFile({ ...app, path: "latin1.txt", content: Buffer.from([0x63, 0x61, 0x66, 0xe9]) });
    github.addFile({ ...app, path: "dump.sql", content: Buffer.alloc(1024 * 1024 + 1, 0x61) });
    github.addFile({ ...app, path: "README.md", content: "# Next\n", ref: "next" });
    for (let i = 0; i < 301; i++)
      github.addFile({ ...app, path: `many/f${String(i).padStart(3, "0")}.txt`, content: "x" });
    github.addFile({ owner: "octo", repo: "other", path: "secret.txt", content: "private" });
  });

  afterAll(async () => {
    await tools.close();
  });

  it("reads a text file at the default branch, hidden characters removed", async () => {
    const { status, body } = await tools.call("get_file_contents", { ...app, path: "README.md", unknown_extra: 1 });
    expect(status).toBe(200);
    expect(body).toEqual({
      repository: "octo/app",
      path: "README.md",
      ref: "default branch",
      type: "file",
      content: "# App\n<!-- shown -->\nif (a && b)\n",
      size: 36,
      html_url: "https://github.com/octo/app/blob/main/README.md",
    });
  });

  it("reads at a branch or a commit", async () => {
    const branch = await tools.call("get_file_contents", { ...app, path: "README.md", ref: "next" });
    expect(branch.body).toMatchObject({ ref: "next", content: "# Next\n" });
    const sha = tools.github.headSha("octo", "app", "next");
    expect((await tools.call("get_file_contents", { ...app, path: "README.md", ref: sha })).body.content).toBe(
      "# Next\n",
    );
    const missing = await tools.call("get_file_contents", { ...app, path: "README.md", ref: "gone" });
    expect(missing).toMatchObject({
      status: 404,
      body: { detail: expect.stringMatching(/README\.md at gone does not exist/) },
    });
  });

  it("lists a directory, and the top one without a path, capping long listings with a note", async () => {
    const src = await tools.call("get_file_contents", { ...app, path: "src/" });
    expect(src.body).toMatchObject({ type: "dir", path: "src" });
    expect(src.body.entries).toEqual([
      { name: "index.ts", path: "src/index.ts", type: "file", size: 11 },
      { name: "long.txt", path: "src/long.txt", type: "file", size: 45_000 },
    ]);
    const top = await tools.call("get_file_contents", app);
    expect((top.body.entries as Array<{ name: string }>).map((e) => e.name)).toEqual([
      "README.md",
      "dump.sql",
      "latin1.txt",
      "logo.png",
      "many",
      "src",
    ]);
    const many = await tools.call("get_file_contents", { ...app, path: "many" });
    expect(many.body.entries).toHaveLength(300);
    expect(many.body.note).toBe("Only the first 300 of 301 entries are listed.");
  });

  it("reads a long file in parts, each saying where the next starts", async () => {
    const first = await tools.call("get_file_contents", { ...app, path: "src/long.txt" });
    expect(first.body).toMatchObject({
      next_offset: 20_000,
      note: expect.stringMatching(/45000 characters\): call again with offset 20000/),
    });
    expect(first.body.content).toHaveLength(20_000);
    const last = await tools.call("get_file_contents", { ...app, path: "src/long.txt", offset: "40000" });
    expect(last.body.content).toHaveLength(5_000);
    expect(last.body).not.toHaveProperty("next_offset");
    const past = await tools.call("get_file_contents", { ...app, path: "src/long.txt", offset: 45_000 });
    expect(past).toMatchObject({
      status: 400,
      body: { detail: expect.stringMatching(/"offset" is past the end .*45000 characters/) },
    });
  });

  it("refuses binary files and files too large for GitHub's API, saying why", async () => {
    for (const path of ["logo.png", "latin1.txt"]) {
      const binary = await tools.call("get_file_contents", { ...app, path });
      expect(binary, path).toMatchObject({
        status: 422,
        body: { detail: expect.stringMatching(/is a binary file .*reads text files only/) },
      });
    }
    const large = await tools.call("get_file_contents", { ...app, path: "dump.sql" });
    expect(large).toMatchObject({
      status: 422,
      body: { detail: expect.stringMatching(/too large to read .*1048577 bytes/) },
    });
  });

  it("keeps a relay run's reads in its repository, and refuses paths that climb out", async () => {
    const run = await tools.call(
      "get_file_contents",
      { owner: "octo", repo: "other", path: "secret.txt" },
      { "x-openwebui-chat-id": "chat-of-run" },
    );
    expect(run).toMatchObject({ status: 403, body: { detail: expect.stringMatching(/limited to octo\/app/) } });
    const before = tools.github.requests.length;
    for (const path of ["../other/secret.txt", "src/../../x", "/etc/passwd"]) {
      expect((await tools.call("get_file_contents", { ...app, path })).status, path).toBe(400);
    }
    expect((await tools.call("get_file_contents", { ...app, ref: "main..evil" })).status).toBe(400);
    expect(tools.github.requests.length).toBe(before);
    const missing = await tools.call("get_file_contents", { ...app, path: "nope.md" });
    expect(missing).toMatchObject({
      status: 404,
      body: { detail: expect.stringMatching(/octo\/app\/nope\.md does not exist/) },
    });
  });
});
