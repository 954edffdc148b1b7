import { z } from "zod";

/** What a person may do on a repository: nothing, read its issues, or also write (comment). */
export const accessLevel = z.enum(["none", "read", "write"]);
export type AccessLevel = z.infer<typeof accessLevel>;

/** `owner/repo`, or `owner/*` for every repository of an owner (matched case-insensitively). */
const repoPattern = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+\/(\*|[A-Za-z0-9_.-]+)$/, 'a repository is "owner/repo" or "owner/*"');

const grantBase = {
  repos: z.array(repoPattern).min(1).meta({ description: "Repositories this grant covers, within GITHUB_REPOS." }),
  access: accessLevel,
};

/** One grant names exactly one kind of subject: an Open WebUI group, a verified email, or a role. */
export const grantSchema = z.union([
  z.strictObject({ group: z.string().min(1).meta({ description: "An Open WebUI group's name." }), ...grantBase }),
  z.strictObject({ email: z.email().meta({ description: "A person's verified Open WebUI email." }), ...grantBase }),
  z.strictObject({ role: z.enum(["admin", "user"]).meta({ description: "An Open WebUI role." }), ...grantBase }),
]);
export type Grant = z.infer<typeof grantSchema>;

/** A platform's user id: Slack's `U…`/`W…`, Discord's snowflake, Teams' `29:…` or Azure AD object id. */
const platformUserId = z
  .string()
  .regex(/^[A-Za-z0-9:._@-]{1,200}$/, "a user id as the platform shows it (letters, digits, ':', '.', '_', '@', '-')");

/**
 * One person's accounts on the chat platforms, mapped to the email the grants name: a question they
 * ask in Slack, Discord or Teams reads what their grants give them (never more than read).
 */
export const chatUserSchema = z
  .strictObject({
    email: z.email().meta({ description: "The identity the grants name (as a verified Open WebUI email)." }),
    slack: platformUserId.optional().meta({ description: "Their Slack member id (U… or W…)." }),
    discord: platformUserId.optional().meta({ description: "Their Discord user id." }),
    teams: platformUserId
      .optional()
      .meta({ description: "Their Microsoft Teams id: the aadObjectId (or 29:… id) of the message's `from`." }),
  })
  .refine((user) => Boolean(user.slack || user.discord || user.teams), {
    message: "name at least one of slack:, discord: or teams:",
  })
  .meta({ description: "A person's chat platform accounts." });
export type ChatUser = z.infer<typeof chatUserSchema>;

/**
 * The `people:` section of openwebui-github.yml: who may read and write through the tool server.
 * Without the section, a verified person reads what GITHUB_REPOS allows and writes nothing; an
 * anonymous caller (no verified identity) never gets more than read.
 */
export const peopleSchema = z
  .strictObject({
    default: accessLevel
      .default("read")
      .meta({ description: "For a verified person no grant covers. Anonymous callers get at most read." }),
    grants: z.array(grantSchema).default([]),
    comments_per_hour: z
      .int()
      .min(0)
      .max(1000)
      .default(20)
      .meta({ description: "Comments one person may post per hour; relay runs keep a share of the token's budget." }),
    attribution: z.boolean().default(true).meta({ description: "People's comments end with who asked." }),
    chat_users: z.array(chatUserSchema).optional().meta({
      description:
        "Who is who in Slack, Discord and Teams: their questions there read as that email's grants allow; anyone not listed gets the default (at most read).",
    }),
  })
  .superRefine((people, ctx) => {
    // One account names one person: a second entry would make who is asking ambiguous.
    const seen = new Set<string>();
    (people.chat_users ?? []).forEach((user, index) => {
      for (const platform of ["slack", "discord", "teams"] as const) {
        const id = user[platform];
        if (!id) continue;
        if (seen.has(`${platform}:${id}`))
          ctx.addIssue({
            code: "custom",
            message: `${platform} user ${id} is named twice`,
            path: ["chat_users", index, platform],
          });
        seen.add(`${platform}:${id}`);
      }
    });
  })
  .meta({ description: "Who may do what through the tool server." });
export type PeoplePolicy = z.infer<typeof peopleSchema>;

/** The policy when the config file has no `people:` section. */
export const defaultPeoplePolicy: PeoplePolicy = peopleSchema.parse({});
