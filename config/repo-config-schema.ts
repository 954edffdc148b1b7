import { z } from "zod";
import { promptFields, unknownPlaceholders } from "./prompt-fields.ts";
import { supportedEvents } from "./rules-schema.ts";

/** Where a repository keeps its own file, read at its default branch. */
export const repoConfigPath = ".github/openwebui-github.yml";

const eventName = z.enum(supportedEvents, {
  error: (issue) => `"${String(issue.input)}" is not a supported event; use one of ${supportedEvents.join(", ")}`,
});

/**
 * What a repository may change about one of the deployment's rules, in its own repository only.
 * Every key narrows: a list is a subset of the rule's (checked against the deployment's rules by
 * config/check-repo-config.ts), the prompt replaces the rule's text but not how the event's
 * untrusted text is marked. There is deliberately no key for repositories, the model, the mode
 * or conditions: those stay the deployment's.
 */
export const ruleNarrowingSchema = z
  .strictObject({
    enabled: z.boolean().default(true).meta({ description: "false: the rule never runs in this repository." }),
    on: z
      .union([
        eventName,
        z.array(eventName).min(1, "on: lists at least one event; to switch the rule off, use enabled: false"),
      ])
      .optional()
      .meta({ description: "Only these of the rule's events start it here (a subset of the rule's on:)." }),
    tools: z
      .array(z.string().regex(/^[a-z][a-z0-9_]*$/, "a tool name is lower-case letters, digits and _"))
      .optional()
      .meta({ description: "Only these of the rule's tools (a subset of the rule's tools:)." }),
    labels: z
      .array(z.string().min(1))
      .optional()
      .meta({ description: "Only these of the labels the rule may apply (a subset of the rule's labels:)." }),
    workflows: z
      .array(z.string().regex(/^[\w.-]+\.ya?ml$/, 'a workflow is a file name such as "triage.yml"'))
      .optional()
      .meta({ description: "Only these of the workflows the rule may dispatch (a subset of the rule's workflows:)." }),
    prompt: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          `Replaces the rule's instructions here; {{field}} is filled in (${Object.keys(promptFields).join(", ")}), ` +
          "and the event's untrusted text stays marked as untrusted.",
      }),
  })
  .superRefine(
    (narrowing, ctx) => {
      const prompt = typeof narrowing.prompt === "string" ? narrowing.prompt : "";
      for (const name of unknownPlaceholders(prompt))
        ctx.addIssue({
          code: "custom",
          message: `the prompt uses {{${name}}}, which is not a field; use one of ${Object.keys(promptFields).join(", ")}`,
          path: ["prompt"],
        });
    },
    { when: () => true },
  )
  .meta({ description: "How this repository narrows one of the deployment's rules." });
export type RuleNarrowing = z.output<typeof ruleNarrowingSchema>;

/**
 * .github/openwebui-github.yml: a repository's own say, which can only narrow what the
 * deployment's openwebui-github.yml allows. Strict at the top: a key such as `repos:` or a rule
 * of its own would widen, and is refused rather than ignored.
 */
export const repoConfigSchema = z
  .strictObject({
    rules: z.record(z.string(), ruleNarrowingSchema).optional().meta({
      description: "By the name of a rule in the deployment's openwebui-github.yml: how it is narrowed here.",
    }),
  })
  .meta({
    title: ".github/openwebui-github.yml",
    description:
      "A repository's narrowing of the deployment's rules: fewer events, tools, labels or workflows, its own prompt text.",
  });
export type RepoConfig = z.output<typeof repoConfigSchema>;
