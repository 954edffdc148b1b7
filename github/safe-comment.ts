/**
 * Last checks on text the model wrote before it becomes a public comment.
 * The prompt asks the model to behave; these hold even when it does not.
 */

// Token shapes of GitHub (classic and fine-grained), OpenAI-style keys, Slack, AWS, and PEM private keys.
const credentialPatterns = [
  /\bgh[pousr]_[A-Za-z0-9]{30,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{30,}\b/g,
  /\bsk-[A-Za-z0-9_-]{20,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}\b/g,
  /\bAKIA[0-9A-Z]{16}\b/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

/** Names what in `text` looks like a credential: one of ours, or any well-known token shape. */
export function findCredentials(text: string, knownSecrets: readonly string[]): string[] {
  const found: string[] = [];
  for (const secret of knownSecrets) if (secret.length >= 8 && text.includes(secret)) found.push("a configured secret");
  for (const pattern of credentialPatterns)
    if (new RegExp(pattern.source).test(text)) found.push(`a token shaped like ${pattern.source.slice(0, 24)}`);
  return found;
}

export function redactCredentials(text: string, knownSecrets: readonly string[]): string {
  let result = text;
  for (const secret of knownSecrets) if (secret.length >= 8) result = result.split(secret).join("[redacted]");
  for (const pattern of credentialPatterns) result = result.replace(pattern, "[redacted]");
  return result;
}

// A mention as GitHub links it: @user or @org/team, not inside a word (e-mail addresses).
const mention = /(^|[^\w`@/])@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))(\/[A-Za-z0-9_.-]+)?(?![\w-])/g;
const broadcast = new Set(["everyone", "here", "channel", "all"]);
const maxUserMentions = 3;

/**
 * Keeps a comment from pinging crowds: team mentions and @everyone-style
 * words are always defused, and when there are more than three distinct user
 * mentions, all of them are. A defused mention is wrapped in backticks, which
 * GitHub shows as text without notifying anyone. Code is left alone.
 */
export function neutralizeMentions(text: string): string {
  const parts = text.split(/(```[\s\S]*?(?:```|$)|`[^`\n]*`)/g);
  const users = new Set<string>();
  parts.forEach((part, i) => {
    if (i % 2 === 1) return;
    for (const m of part.matchAll(mention))
      if (!m[3] && !broadcast.has(m[2]!.toLowerCase())) users.add(m[2]!.toLowerCase());
  });
  const defuseAll = users.size > maxUserMentions;
  return parts
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(mention, (whole, before: string, name: string, team: string | undefined) =>
            defuseAll || team || broadcast.has(name.toLowerCase()) ? `${before}\`@${name}${team ?? ""}\`` : whole,
          ),
    )
    .join("");
}
