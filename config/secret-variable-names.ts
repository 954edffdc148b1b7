import type { ConfigFile } from "./config-file-schema.ts";

/**
 * The environment variables the config file names for credentials: its channels' webhook URLs and
 * bot tokens, its signed webhooks' secrets. Their values join the secrets never posted at start.
 */
export function secretVariableNames(file: ConfigFile | undefined): string[] {
  const channels = Object.values(file?.channels ?? {}).flatMap((channel) =>
    "token_env" in channel ? [channel.url_env, channel.token_env] : [channel.url_env],
  );
  const webhooks = Object.values(file?.webhooks ?? {}).map((webhook) => webhook.secret_env);
  return [...new Set([...channels, ...webhooks].filter((name): name is string => Boolean(name)))];
}

/**
 * Why a reloaded file cannot be used as is: it names a credential variable the file at start did not,
 * whose value is then missing from the secrets the deployment never posts (computed once, at start).
 */
export function newSecretVariablesProblem(started: ConfigFile, next: ConfigFile): string | null {
  const known = new Set(secretVariableNames(started));
  const added = secretVariableNames(next).filter((name) => !known.has(name));
  if (added.length === 0) return null;
  return `${added.join(", ")} ${added.length > 1 ? "are credential variables" : "is a credential variable"} the running file did not name; restart the services to use ${added.length > 1 ? "them" : "it"} (their values must be known at start to be kept out of comments and logs)`;
}
