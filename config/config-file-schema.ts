import { z } from "zod";
import { chatSchema } from "./chat-schema.ts";
import { channelsSchema } from "./notify-schema.ts";
import { peopleSchema } from "./people-schema.ts";
import { rulesSchema } from "./rules-schema.ts";
import { webhooksSchema } from "./webhooks-schema.ts";

/**
 * openwebui-github.yml: what the environment cannot say. Every section is optional; without one the
 * deployment behaves as it does without a file. A key nobody reads is a mistake, so the top is strict.
 * A new section is one line here (and the JSON Schema in schema/ is regenerated: npm run schema).
 */
export const configFileSchema = z
  .strictObject({
    people: peopleSchema.optional(),
    rules: rulesSchema.optional(),
    channels: channelsSchema.optional(),
    webhooks: webhooksSchema.optional(),
    chat: chatSchema.optional(),
  })
  .meta({
    title: "openwebui-github.yml",
    description: "The deployment's config file. Environment variables keep their meaning; this file adds to them.",
  });

/** The file as the deployment uses it, defaults filled in. */
export type ConfigFile = z.infer<typeof configFileSchema>;

/** What applies without a file: no sections, so every built-in default. */
export const emptyConfigFile: ConfigFile = Object.freeze(configFileSchema.parse({}));
