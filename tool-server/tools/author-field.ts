import { z } from "zod";

export const authorField = z
  .strictObject({
    login: z.string().meta({ description: "GitHub login of the author." }),
    association: z.string().optional().meta({
      description:
        "The author's relation to the repository: OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, FIRST_TIME_CONTRIBUTOR, FIRST_TIMER or NONE.",
    }),
  })
  .meta({ description: "Who wrote it." });

export function authorOf(user: { login: string } | null | undefined, association: string | undefined) {
  return { login: user?.login ?? "ghost", ...(association === undefined ? {} : { association }) };
}
