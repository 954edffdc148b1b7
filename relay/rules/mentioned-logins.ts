/**
 * Logins @mentioned in Markdown, lower-cased, the way GitHub notifies them: not inside code,
 * not in quoted lines (a reply quoting an earlier mention is not a new request), not in
 * HTML comments (invisible on GitHub), not as part of an email address, and not a team
 * (`@org/team`).
 */
export function mentionedLogins(markdown: string): string[] {
  const found = new Set<string>();
  // Fixed pattern without nested quantifiers: linear on any text.
  const mention = /(?<![\w`@./-])@([a-z\d](?:[a-z\d-]{0,38}))(?:\[bot\])?(?![\w/-])/gi;
  for (const line of visibleProse(markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, "")))
    for (const [, login] of line.matchAll(mention)) found.add(login!.toLowerCase());
  return [...found];
}

/** Lines outside fenced code and block quotes, with inline code spans removed. */
function visibleProse(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | null = null;
  for (const line of markdown.split("\n")) {
    const trimmed = line.trimStart();
    const opener = trimmed.startsWith("```") ? "```" : trimmed.startsWith("~~~") ? "~~~" : null;
    if (fence) {
      if (opener === fence) fence = null;
      continue;
    }
    if (opener) {
      fence = opener;
      continue;
    }
    if (trimmed.startsWith(">")) continue;
    lines.push(
      line
        .split("`")
        .filter((_, index) => index % 2 === 0)
        .join(" "),
    );
  }
  return lines;
}

/**
 * Whether the text mentions the relay. A GitHub App's login is `slug[bot]` while people write
 * `@slug`; a user account is mentioned by its login.
 */
export function mentionsLogin(mentions: readonly string[], ownLogin: string | null): boolean {
  if (!ownLogin) return false;
  const own = ownLogin.toLowerCase().replace(/\[bot\]$/, "");
  return mentions.includes(own);
}
