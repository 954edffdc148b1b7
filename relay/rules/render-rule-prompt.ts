import { placeholderPattern, untrustedFields, type PromptField } from "../../config/prompt-fields.ts";
import type { Rule } from "../../config/rules-schema.ts";
import { cleanIssueText } from "../../github/clean-issue-text.ts";
import { breakMarkers, buildIssueMessage, systemPrompt } from "../build-prompt.ts";
import { defaultPrompts, rulesSystemPrompt, webhookSystemPrompt } from "./default-prompts.ts";
import type { RuleEvent } from "./rule-event.ts";
import { isWebhookRuleEvent } from "./webhook-rule-event.ts";

// As relay/build-prompt.ts: one oversized text must not fill the model's context.
const maxUntrustedLength = 20_000;

/** The system and user messages of one rule's run on one event. */
export function promptsFor(rule: Pick<Rule, "prompt">, event: RuleEvent): { system: string; user: string } {
  // Today's prompt, unchanged, for issues.opened without a prompt of its own (the built-in rule).
  if (rule.prompt === undefined && event.name === "issues.opened")
    return { system: systemPrompt, user: buildIssueMessage(issueForPrompt(event)) };
  // The body is always in a webhook run's prompt, where the rule puts it or else at the end.
  if (isWebhookRuleEvent(event) && rule.prompt !== undefined) {
    const template = /\{\{\s*payload\s*\}\}/.test(rule.prompt) ? rule.prompt : `${rule.prompt}\n{{payload}}`;
    return { system: webhookSystemPrompt, user: renderTemplate(template, event) };
  }
  const template = rule.prompt ?? defaultPrompts[event.name as keyof typeof defaultPrompts];
  if (template === undefined) throw new Error(`no prompt for ${event.name}: rules run only on supported events`);
  return { system: rulesSystemPrompt, user: renderTemplate(template, event) };
}

/**
 * Fills `{{field}}` in a rule's prompt. Untrusted fields (text anyone may write) are cleaned as
 * issue text is today and set between markers on lines of their own, so they can never read as
 * the maintainer's instructions; a marker inside the text is broken so it cannot close early.
 */
export function renderTemplate(template: string, event: RuleEvent): string {
  const values = fieldValues(event);
  return template.replace(placeholderPattern, (whole, name: string) => {
    if (!(name in values)) return whole;
    const field = name as PromptField;
    return untrustedFields.has(field) ? untrustedBlock(field, values[field]) : values[field];
  });
}

function untrustedBlock(field: PromptField, text: string): string {
  let clean = breakMarkers(cleanIssueText(text).trim());
  if (clean.length > maxUntrustedLength) clean = `${clean.slice(0, maxUntrustedLength)}\n[... truncated]`;
  const marker = `UNTRUSTED_${field.toUpperCase()}`;
  return `\n(untrusted text, between the markers)\n<<<${marker}\n${clean || "(empty)"}\n${marker}>>>\n`;
}

function fieldValues(event: RuleEvent): Record<PromptField, string> {
  const author = event.text?.author ?? event.author;
  const labels = event.labels.map((l) => cleanIssueText(l)).filter(Boolean);
  return {
    repository: `${event.owner}/${event.repo}`,
    owner: event.owner,
    repo: event.repo,
    number: String(event.number),
    kind: event.kind === "pr" ? "pull request" : "issue",
    event: event.name,
    author: author.login ?? "unknown",
    author_association: author.association ?? "unknown",
    labels: labels.length ? labels.join(", ") : "none",
    label: cleanIssueText(event.addedLabel) || "none",
    head_sha: event.headSha ?? "none",
    title: event.title,
    body: event.body,
    comment: event.text?.body ?? "",
    comment_id: event.text ? String(event.text.id) : "",
    payload: isWebhookRuleEvent(event) ? event.body : "",
  };
}

function issueForPrompt(event: RuleEvent) {
  const { owner, repo, number, title, body, labels, author } = event;
  return { owner, repo, number, title, body, labels, author: author.login, association: author.association };
}
