import type { Env } from "./config-error.ts";
import type { ConfigFile } from "./config-file-schema.ts";
import type { ConfigIssue } from "./describe-config-issues.ts";
import type { WebhooksConfig } from "./webhooks-schema.ts";

// The specification asks for 24 to 64 random bytes; fewer would be a guessable HMAC key.
const minSecretBytes = 24;
const fix = "set it to whsec_ and the base64 of 24 to 64 random bytes (e.g. whsec_$(openssl rand -base64 32))";

/** Each rule's `on: webhook.<name>` whose name `webhooks:` does not define, at the name in the file. */
export function webhookRuleProblems(config: ConfigFile): ConfigIssue[] {
  const defined = Object.keys(config.webhooks ?? {});
  return (config.rules ?? []).flatMap((rule, index) => {
    const events = typeof rule.on === "string" ? [rule.on] : rule.on;
    return events.flatMap((event, at) => {
      const name = event.startsWith("webhook.") ? event.slice("webhook.".length) : null;
      if (name === null || defined.includes(name)) return [];
      const where = defined.length ? ` (defined: ${defined.join(", ")})` : "";
      const path = typeof rule.on === "string" ? ["rules", index, "on"] : ["rules", index, "on", at];
      return [
        {
          path,
          atKey: false,
          message: `rule "${rule.name}": no webhook named "${name}"; define it under webhooks:${where}`,
        },
      ];
    });
  });
}

/** Each webhook whose variable is unset or does not hold a Standard Webhooks secret; the value is never quoted. */
export function webhookEnvProblems(webhooks: WebhooksConfig | undefined, env: Env): ConfigIssue[] {
  return Object.entries(webhooks ?? {}).flatMap(([name, webhook]) => {
    const value = env[webhook.secret_env]?.trim();
    const problem = !value
      ? "is not set: set it in the environment (.env), or remove this webhook"
      : secretBytes(value) === null
        ? `does not hold a usable Standard Webhooks secret: ${fix}`
        : null;
    return problem
      ? [{ path: ["webhooks", name, "secret_env"], atKey: false, message: `${webhook.secret_env} ${problem}` }]
      : [];
  });
}

/** The secret `POST /webhook/in/<name>` is verified with, or null when no usable one is configured (404). */
export function webhookSecret(webhooks: WebhooksConfig | undefined, env: Env, name: string): string | null {
  const webhook = Object.hasOwn(webhooks ?? {}, name) ? webhooks![name] : undefined;
  const value = webhook ? env[webhook.secret_env]?.trim() : undefined;
  return value && secretBytes(value) !== null ? value : null;
}

/** What must join the deployment's secrets: never posted, never logged. */
export function webhookSecrets(webhooks: WebhooksConfig | undefined, env: Env): string[] {
  return Object.keys(webhooks ?? {}).flatMap((name) => {
    const value = webhookSecret(webhooks, env, name);
    // The base64 part alone is the key too: a model quoting it without the prefix must not post it.
    return value ? [value, value.replace(/^whsec_/, "")] : [];
  });
}

/** The key's bytes, or null when the value is not `whsec_` (optional) and strict base64 of enough bytes. */
function secretBytes(value: string): Buffer | null {
  const encoded = value.replace(/^whsec_/, "");
  if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(encoded)) return null;
  const bytes = Buffer.from(encoded, "base64");
  return bytes.length >= minSecretBytes ? bytes : null;
}
