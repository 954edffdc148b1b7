import { placeholderPattern } from "./prompt-fields.ts";
import { webhookEventPattern } from "./webhooks-schema.ts";

/** The placeholders a webhook rule's prompt may use: the rule's own target, and the body it was sent. */
export const webhookPromptFields: readonly string[] = ["repository", "owner", "repo", "number", "event", "payload"];

const githubEvent = /^(issues|issue_comment|pull_request|pull_request_review|pull_request_review_comment)\./;

interface Problem {
  message: string;
  path: PropertyKey[];
}

/**
 * What a rule on `webhook.<name>` needs that an event's rule takes from its payload: the body names
 * no repository or issue, so the rule fixes both (`repos:` of one repository, `target: { issue }`),
 * and the model can write nowhere else. The `if:` conditions and `authors:` speak of GitHub people
 * and text, which a webhook has none of. The other way round, `{{payload}}` and `target:` mean
 * nothing on a GitHub event, whose run writes on its own issue.
 */
export function webhookRuleProblems(rule: Record<string, unknown>): Problem[] {
  const events = (Array.isArray(rule.on) ? rule.on : [rule.on]).filter((e): e is string => typeof e === "string");
  const webhooks = events.filter((event) => webhookEventPattern.test(event));
  const prompt = typeof rule.prompt === "string" ? rule.prompt : "";
  const used = [...prompt.matchAll(placeholderPattern)].map(([, name]) => name!);
  if (webhooks.length === 0) {
    if (!events.some((event) => githubEvent.test(event))) return [];
    return [
      ...(rule.target !== undefined
        ? [
            {
              message: "target: is for schedules and webhook rules; an event's run writes on its own issue",
              path: ["target"],
            },
          ]
        : []),
      ...(used.includes("payload")
        ? [{ message: "{{payload}} is a webhook rule's field; use title, body or comment", path: ["prompt"] }]
        : []),
    ];
  }
  const problems: Problem[] = [];
  const add = (message: string, path: PropertyKey[]) => problems.push({ message, path });
  if (events.length > 1) add(`a webhook rule runs on one webhook only; on: lists ${events.join(", ")}`, ["on"]);
  const repos = Array.isArray(rule.repos) ? rule.repos : [];
  if (repos.length !== 1 || typeof repos[0] !== "string" || repos[0].endsWith("/*"))
    add('a webhook rule needs repos: with exactly one repository, e.g. repos: ["octo/app"]', ["repos"]);
  const target = rule.target as Record<string, unknown> | undefined;
  if (target === undefined || typeof target !== "object" || target === null || !("issue" in target))
    add("a webhook rule needs target: { issue: N }, the issue its runs write on", ["target"]);
  if (!prompt) add("a webhook rule needs a prompt: (there is no built-in one for a webhook)", ["prompt"]);
  if (rule.if !== undefined) add("if: applies to GitHub events; a webhook has no issue, labels or author", ["if"]);
  if (rule.authors !== undefined)
    add("authors: applies to GitHub events; the webhook's secret is its author", ["authors"]);
  for (const name of new Set(used.filter((field) => !webhookPromptFields.includes(field))))
    add(`{{${name}}} means nothing for a webhook; use ${webhookPromptFields.join(", ")}`, ["prompt"]);
  return problems;
}
