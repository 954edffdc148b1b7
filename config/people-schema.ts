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
  })
  .meta({ description: "Who may do what through the tool server." });
export type PeoplePolicy = z.infer<typeof peopleSchema>;

/** The policy when the config file has no `people:` section. */
export const defaultPeoplePolicy: PeoplePolicy = peopleSchema.parse({});
