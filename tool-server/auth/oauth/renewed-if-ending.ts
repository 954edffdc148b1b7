import OAuth2Server from "@node-oauth/oauth2-server";
import type { Person } from "./oauth-model.ts";

/**
 * Runs at each refresh (and sign-in): a GitHub token that would end before our new access token
 * (with 5 minutes to spare) is renewed first. Renewal refused: the refresh fails and the person
 * connects again, which is what GitHub's answer means.
 */
export async function renewedIfEnding(
  renew: (person: Person) => Promise<Person>,
  person: Person,
  until: Date | undefined,
): Promise<Person> {
  if (!person.githubExpiresAt || person.githubExpiresAt > (until?.getTime() ?? 0) + 300_000) return person;
  try {
    return await renew(person);
  } catch (error) {
    throw new OAuth2Server.InvalidGrantError((error as Error).message);
  }
}
