import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import type { RunStore } from "../../store/run-store.ts";

/**
 * tools/list for one request: a live relay run's chat id (the connection's header template, which
 * Open WebUI 0.12.4 fills in when it lists the tools at the start of each completion) gets only
 * its rule's tools, so the model is not sent every schema. A narrower list is no grant: calls are
 * checked in callTool whatever was listed, so an unverified chat id can only shorten the list.
 */
export async function runToolListing(
  listing: readonly Tool[],
  runs: Pick<RunStore, "get">,
  chatId: string | null,
): Promise<Tool[]> {
  const run = chatId ? await runs.get(chatId) : undefined;
  const tools = run?.live ? run.rule?.tools : null;
  return tools ? listing.filter((tool) => tools.includes(tool.name)) : [...listing];
}
