import { analystScript, lastToolResult, toolResults } from "../stand-ins/model-scripts.ts";
import type { ModelScript } from "../stand-ins/scripted-model.ts";

// Analyses issues for the relay, and answers people who name an issue as owner/repo#N.
const analyst = analystScript(
  (issue) =>
    `This looks like a typo report: "${String(issue.title)}". Suggested fix: correct the spelling and add a spell check to CI.`,
);

/** The demo's scripted model, standing in for a real one so no account or key is needed. */
export const demoModel: ModelScript = (request, index) => {
  const first = String(request.messages.find((m) => m.role === "user")?.content ?? "");
  if (/Issue number: \d+/.test(first)) return analyst(request, index);
  const last = String([...request.messages].reverse().find((m) => m.role === "user")?.content ?? "");
  const named = /([\w.-]+)\/([\w.-]+)#(\d+)/.exec(last);
  if (!named)
    return {
      content: "I am the demo's scripted model. Switch on the GitHub tools and ask me about Codertocat/Hello-World#1.",
    };
  if (toolResults(request).length === 0 || request.messages.at(-1)?.role !== "tool") {
    return {
      toolCalls: [
        { name: "get_issue", arguments: { owner: named[1], repo: named[2], issue_number: Number(named[3]) } },
      ],
    };
  }
  const result = lastToolResult(request);
  if (result.error) return { content: `The tool refused: ${String(result.error)}` };
  return {
    content: `**${String(result.title)}** (${String(result.state)}, by ${String((result.author as { login?: string })?.login)}):\n\n${String(result.body)}`,
  };
};
