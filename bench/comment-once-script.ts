import { issueAskedAbout, toolResults } from "../stand-ins/model-scripts.ts";
import type { ModelRequest, ModelScript } from "../stand-ins/scripted-model.ts";

function userText(request: ModelRequest): string {
  const user = request.messages.find((m) => m.role === "user");
  return typeof user?.content === "string" ? user.content : "";
}

/** The thread the prompt names: a rule's default prompt, or the built-in issues.opened message. */
function threadAskedAbout(request: ModelRequest) {
  const named = /#(\d+) in \S+ \(owner ([^,]+), repo ([^)]+)\)/.exec(userText(request));
  if (!named) return issueAskedAbout(request);
  return { owner: named[2]!, repo: named[3]!, issue_number: Number(named[1]) };
}

/** The offered name of a tool: Open WebUI offers an MCP server's tools under `<connection id>_<name>`. */
function offeredName(request: ModelRequest, tool: string): string {
  const offered = (request.tools ?? []).map((t) => t.function.name);
  const name = offered.find((n) => n === tool) ?? offered.find((n) => n.endsWith(`_${tool}`));
  if (!name) throw new Error(`the request offered no ${tool}, only [${offered.join(", ")}]`);
  return name;
}

/**
 * A model that answers from what the delivery carries, as the default prompts let it: one
 * post_issue_comment on the thread the prompt names, then its final answer; two requests a run.
 */
export const commentOnceScript: ModelScript = (request) => {
  if (toolResults(request).length > 0) return { content: "I posted my reply on the thread." };
  const title = /^Title: (.*)$/m.exec(userText(request))?.[1] ?? "this";
  const body = `About "${title}": here is what I make of it, from what you wrote.`;
  return {
    toolCalls: [
      { name: offeredName(request, "post_issue_comment"), arguments: { ...threadAskedAbout(request), body } },
    ],
  };
};
