import { describe, expect, it } from "vitest";
import { measureEventKindCosts } from "../bench/event-kind-costs.ts";
import { eventKinds } from "../bench/event-kind-deliveries.ts";
import { toolRegistry } from "../tool-server/tool-registry.ts";

// The bench's cost figures (docs/performance.md) hold only while a run is sent its rule's tools and no more (issue 13).
describe("what a run of each event kind sends the model", () => {
  it("over MCP, offers each run only its rule's tools, in two model requests", async () => {
    const costs = await measureEventKindCosts("mcp");
    for (const { kind, tools } of eventKinds) {
      const { requests, toolsOffered } = costs.get(kind)!;
      expect({ kind, requests, toolsOffered: [...toolsOffered].sort() }).toEqual({
        kind,
        requests: 2,
        toolsOffered: tools.map((name) => `github_${name}`).sort(),
      });
    }
  });

  it("over OpenAPI, offers every tool whatever the rule lists, at several times the tokens", async () => {
    const all = await measureEventKindCosts("openapi");
    const own = await measureEventKindCosts("mcp");
    for (const { kind } of eventKinds) {
      expect(all.get(kind)!.toolsOffered).toEqual(toolRegistry.map((t) => t.name));
      expect(all.get(kind)!.requests).toBe(2);
      expect(all.get(kind)!.toolTokens).toBeGreaterThan(4 * own.get(kind)!.toolTokens);
    }
  });
});
