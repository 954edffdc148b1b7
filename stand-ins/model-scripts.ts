import type { ChatMessage, ModelRequest, ModelScript, ModelTurn } from "./scripted-model.ts";

export interface IssueRef {
  owner: string;
  repo: string;
  issue_number: number;
}

/** Reads the issue the relay asked about from its user message, as a model would. */
export function issueAskedAbout(request: ModelRequest): IssueRef {
  const user = request.messages.find((m) => m.role === "user");
  const text = typeof user?.content === "string" ? user.content : JSON.stringify(user?.content ?? "");
  const repo = /owner "([^"]+)", repo "([^"]+)"/.exec(text);
  const number = /Issue number: (\d+)/.exec(text);
  if (!repo || !number) throw new Error(`the user message does not name an issue: ${text.slice(0, 200)}`);
  return { owner: repo[1]!, repo: repo[2]!, issue_number: Number(number[1]) };
}

export function toolResults(request: ModelRequest): ChatMessage[] {
  return request.messages.filter((m) => m.role === "tool");
}

export function lastToolResult(request: ModelRequest): Record<string, unknown> {
  const last = toolResults(request).at(-1);
  return JSON.parse(String(last?.content ?? "null")) as Record<string, unknown>;
}

/** The issue as the relay's message gives it: its number and title, and the body between the markers. */
export function issueInMessage(request: ModelRequest): Record<string, unknown> {
  const user = request.messages.find((m) => m.role === "user");
  const text = typeof user?.content === "string" ? user.content : "";
  const { owner, repo, issue_number } = issueAskedAbout(request);
  const title = /^Title: (.*)$/m.exec(text)?.[1] ?? "";
  const body = /<<<ISSUE_BODY\n([\s\S]*)\nISSUE_BODY>>>/.exec(text)?.[1] ?? "";
  return { owner, repo, number: issue_number, title, body };
}

/**
 * A well-behaved model: comments on the issue from what the message carries (reading it with
 * get_issue first only when the body was cut), then says what it posted: two requests a run.
 * Each step is decided by what is already in the conversation, as a real model does.
 */
export function analystScript(analysis: (issue: Record<string, unknown>) => string): ModelScript {
  return (request): ModelTurn => {
    const target = issueAskedAbout(request);
    const inMessage = issueInMessage(request);
    const cut = String(inMessage.body).includes("[... truncated; call get_issue for the rest]");
    const done = toolResults(request).length;
    if (cut && done === 0) return { toolCalls: [{ name: "get_issue", arguments: { ...target } }] };
    if (done === (cut ? 1 : 0)) {
      const issue = cut ? lastToolResult(request) : inMessage;
      return { toolCalls: [{ name: "post_issue_comment", arguments: { ...target, body: analysis(issue) } }] };
    }
    return { content: "I posted my analysis on the issue." };
  };
}

/**
 * A model answering a question asked in a chat platform: reads the issue the question names
 * (owner/repo#number) with get_issue, then answers from what the tool gave, or says it could not
 * read it. Two requests a question, as a real model's would be.
 */
export function chatQuestionScript(): ModelScript {
  return (request): ModelTurn => {
    const user = request.messages.find((m) => m.role === "user");
    const text = typeof user?.content === "string" ? user.content : "";
    const ref = /([\w.-]+)\/([\w.-]+)#(\d+)/.exec(text);
    if (!ref) return { content: "Which issue do you mean? Name it as owner/repo#number." };
    const [name, owner, repo, number] = ref;
    if (toolResults(request).length === 0)
      return { toolCalls: [{ name: "get_issue", arguments: { owner, repo, issue_number: Number(number) } }] };
    let issue: Record<string, unknown> | null = null;
    try {
      issue = lastToolResult(request);
    } catch {
      // A refusal may come as plain text.
    }
    if (!issue || typeof issue.title !== "string")
      return { content: `I could not read ${name}: ${String(toolResults(request).at(-1)?.content).slice(0, 300)}` };
    return { content: `${name} is "${issue.title}" (${String(issue.state)}): ${String(issue.body).slice(0, 300)}` };
  };
}
