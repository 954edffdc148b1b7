import { z } from "zod";
import { durationSchema } from "./duration.ts";
import { ruleNotifySchema } from "./notify-schema.ts";
import { toolName } from "./tool-name-schema.ts";
import { promptFields } from "./prompt-fields.ts";
import { authorAssociation, ruleConditionSchema } from "./rule-condition-schema.ts";
import { ruleProblems, text } from "./rule-problems.ts";
import { webhookEventPattern } from "./webhooks-schema.ts";
import { cronField, scheduleOn, scheduleTargetSchema, timezoneField } from "./schedule-schema.ts";

/** The `event.action` names a rule's `on:` may list: what the relay can answer. */
export const supportedEvents = [
  "issues.opened",
  "issues.labeled",
  "issue_comment.created",
  "pull_request.opened",
  "pull_request.synchronize",
  "pull_request.ready_for_review",
  "pull_request_review.submitted",
  "pull_request_review_comment.created",
] as const;
export type SupportedEvent = (typeof supportedEvents)[number];

const eventChoices = `${supportedEvents.join(", ")}, or webhook.<name> (a webhook defined under webhooks:)`;
const isEventName = (entry: unknown) =>
  (supportedEvents as readonly unknown[]).includes(entry) ||
  (typeof entry === "string" && webhookEventPattern.test(entry));

// Aborting, so a bad entry fails the whole `on:` union and onProblem names every bad entry at once.
const eventName = z.string().refine(isEventName, {
  abort: true,
  error: (issue) => `"${String(issue.input)}" is not a supported event; use one of ${eventChoices}`,
});

/** One message for a bad `on:`, naming the entries that are not supported events. */
function onProblem(issue: { input?: unknown }): string {
  const entries = Array.isArray(issue.input) ? issue.input : [issue.input];
  const alsoSchedule = Array.isArray(issue.input) ? "" : `, or ${scheduleOn}`;
  const bad = entries.filter((entry) => !isEventName(entry));
  if (entries.length === 0) return "on: lists at least one event";
  const names = bad.map((entry) => JSON.stringify(entry)).join(", ");
  return `${names} ${bad.length > 1 ? "are not supported events" : "is not a supported event"}; use one of ${eventChoices}${alsoSchedule}`;
}

const repoPattern = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/(\*|[A-Za-z0-9_.-]+)$/, 'a repository is "owner/repo" or "owner/*"');

export const ruleSchema = z
  .strictObject({
    name: z
      .string({ error: "every rule needs a name (letters, digits, '.', '_' or '-')" })
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "a rule name is letters, digits, '.', '_' or '-' (at most 64)")
      .meta({ description: "Unique name, shown on the deliveries page and part of each run's key." }),
    on: z
      .union([eventName, z.literal(scheduleOn), z.array(eventName).min(1, "on: lists at least one event")], {
        error: onProblem,
      })
      .meta({
        description: "The event.action (or a list) that starts this rule, e.g. issue_comment.created; or schedule.",
      }),
    cron: cronField.optional(),
    timezone: timezoneField.optional(),
    target: scheduleTargetSchema.optional(),
    repos: z
      .array(repoPattern)
      .min(1)
      .optional()
      .meta({ description: 'Repositories ("owner/repo" or "owner/*") within GITHUB_REPOS; all of them when absent.' }),
    prompt: z
      .string()
      .min(1)
      .optional()
      .meta({
        description: `Instructions for the model; {{field}} is filled in (${Object.keys(promptFields).join(", ")}). Default: the event's built-in prompt.`,
      }),
    model: z.string().min(1).optional().meta({ description: "Open WebUI model id; AI_MODEL when absent." }),
    tools: z
      .array(toolName)
      .optional()
      .meta({ description: "Tool names the model may call in this rule's runs; keep it to what the rule needs." }),
    labels: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: "The labels add_labels may apply (they must also exist in the repository)." }),
    workflows: z
      .array(z.string().regex(/^[\w.-]+\.ya?ml$/, 'a workflow is a file name such as "triage.yml"'))
      .optional()
      .meta({ description: "Workflow files dispatch_workflow may run, e.g. [triage.yml]." }),
    mode: z
      .enum(["act", "observe"])
      .default("act")
      .meta({ description: "act writes to GitHub; observe records what it would have written instead." }),
    if: ruleConditionSchema.optional(),
    notify: ruleNotifySchema.optional(),
    continue: z
      .boolean()
      .default(false)
      .meta({ description: "true: when this rule matches, the next matching rule runs too." }),
    comment: z
      .enum(["new", "update"])
      .default("new")
      .meta({ description: "new: a comment per run; update: one comment per issue or pull request, edited." }),
    max_comments: z
      .int()
      .min(0)
      .max(10)
      .default(1)
      .meta({ description: "Comments one run may post; 0: none, not even the relay's fallback." }),
    max_labels: z
      .int()
      .min(0)
      .max(100)
      .optional()
      .meta({ description: "Labels one run may add, across its add_labels calls; no cap beyond labels when absent." }),
    cooldown: durationSchema
      .optional()
      .meta({ description: "Least time between two runs of this rule on one issue or pull request." }),
    authors: z
      .array(authorAssociation)
      .min(1)
      .optional()
      .meta({
        description:
          "Associations whose words may start this rule. Default for comments and reviews: OWNER, MEMBER, " +
          "COLLABORATOR; for other events: anyone. Bots never start a rule.",
      }),
  })
  // Runs even when a field failed, so a file's every problem is reported at once.
  .superRefine((rule, ctx) => ruleProblems(rule, ctx), { when: () => true })
  .meta({ description: "One rule: which events start a run, and with which prompt, model and tools." });
export type Rule = z.output<typeof ruleSchema>;

export const rulesSchema = z
  .array(ruleSchema)
  .superRefine(
    (rules, ctx) => {
      const seen = new Set<string>();
      rules.forEach((rule, index) => {
        const name = text(rule?.name)?.toLowerCase();
        if (name === undefined) return;
        if (seen.has(name))
          ctx.addIssue({
            code: "custom",
            message: `rule name "${rule.name}" is used twice; names must be unique`,
            path: [index, "name"],
          });
        seen.add(name);
      });
    },
    { when: () => true },
  )
  .meta({ description: "Rules matched in order against each delivery; the first match runs (see continue)." });
