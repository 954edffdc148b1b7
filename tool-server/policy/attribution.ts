import type { Person } from "../auth/caller.ts";

const maxNameLength = 80;

/**
 * The line a person's comment ends with when the policy asks for attribution: the verified name Open
 * WebUI gave, as code, so it can neither mention anyone nor carry Markdown or HTML into the comment.
 */
export function attributionLine(person: Person): string {
  const name = (person.name ?? "")
    .replace(/[`\p{Cc}\p{Cf}]/gu, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, maxNameLength);
  return `\n\n---\n*Asked by ${name ? `\`${name}\`` : "an Open WebUI user"} through Open WebUI*`;
}
