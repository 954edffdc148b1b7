import type { PeoplePolicy } from "../../config/people-schema.ts";

/** Who asked a chat run, as the tool server applies the policy to them. */
export interface ChatAsker {
  platform: "slack" | "discord" | "teams";
  /** The platform's own user id. */
  userId: string;
  /** The email people.chat_users maps them to; null for someone not listed (they get the default). */
  email: string | null;
}

const platforms = ["slack", "discord", "teams"] as const;

/**
 * Reads a run's `askedBy` (`<platform>:<user id>`; Teams ids hold colons themselves) and looks the
 * user up in the policy now, so a reload that removes someone takes effect on their next call.
 */
export function chatAsker(policy: PeoplePolicy, askedBy: string): ChatAsker {
  const colon = askedBy.indexOf(":");
  const platform = platforms.find((name) => name === askedBy.slice(0, colon)) ?? "slack";
  const userId = askedBy.slice(colon + 1);
  const entry = (policy.chat_users ?? []).find((user) => user[platform] === userId);
  return { platform, userId, email: entry?.email ?? null };
}
