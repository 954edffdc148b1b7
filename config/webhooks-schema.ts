import { z } from "zod";
import { envName } from "./notify-schema.ts";

/** The `<name>` of `POST /webhook/in/<name>` and of a rule's `on: webhook.<name>`: part of a URL path. */
export const webhookName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, "a webhook name is lower-case letters, digits, '_' or '-' (at most 64)");

const webhookSchema = z
  .strictObject({
    secret_env: envName.meta({
      description:
        "The environment variable holding the Standard Webhooks secret (whsec_ and base64), the one the sender signs with.",
    }),
  })
  .meta({ description: "One sender: POST /webhook/in/<name>, signed per the Standard Webhooks specification." });

/** The `webhooks:` section of openwebui-github.yml: the signed doors any outside system may call. */
export const webhooksSchema = z.record(webhookName, webhookSchema).meta({
  description: "Named signed webhooks (POST /webhook/in/<name>); a rule runs on one with on: webhook.<name>.",
});
export type WebhooksConfig = z.output<typeof webhooksSchema>;

/** The event a rule names for a generic webhook: `webhook.<name>`. */
export const webhookEventPattern = /^webhook\.[a-z0-9][a-z0-9_-]{0,63}$/;
