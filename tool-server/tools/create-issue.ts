import { z } from "zod";
import { stripRunMarkers } from "../../github/run-comment.ts";
import { findCredentials, neutralizeMentions } from "../../github/safe-comment.ts";
import { HttpError } from "../../lib/http-error.ts";
import { defineTool } from "../tool-definition.ts";
import { existingLabelNames } from "./existing-label-names.ts";
import { ownerField, repoField } from "./issue-fields.ts";
import { assertPersonMayWrite, waitForPersonWriteSlot } from "./person-write.ts";
import { fromGitHub } from "./read-scope.ts";

// GitHub refuses titles past 256 characters; the body keeps room under its 65,536 for the marker.
const maxTitleLength = 256;
const maxBodyLength = 60_000;
const chatMarker = "\n\n<!-- openwebui-github:chat -->";

export const createIssue = defineTool({
  name: "create_issue",
  summary: "Open a new issue in a repository",
  description:
    "Open a new GitHub issue, visible to everyone who can see the repository. Use it only when the user asks for an issue to be filed (a bug report, a task), after agreeing on the title and text with them; search_issues first so you do not file a duplicate. Labels must already exist in the repository. Automated runs cannot create issues.",
  input: z.object({
    owner: ownerField,
    repo: repoField,
    title: z
      .string()
      .trim()
      .min(1)
      .max(maxTitleLength)
      .meta({ description: "The issue's title: one line that says what it is about." }),
    body: z
      .string()
      .max(maxBodyLength)
      .optional()
      .meta({ description: "The issue's text in GitHub Markdown: what happened, what was expected, how to see it." }),
    labels: z.array(z.string().min(1).max(50)).max(10).optional().meta({
      description: 'Names of existing labels to put on the issue, e.g. ["bug"]. Letter case does not matter.',
    }),
  }),
  output: z.strictObject({
    number: z.int().meta({ description: "The new issue's number." }),
    html_url: z.url().meta({ description: "Link to the issue on GitHub; give it to the user." }),
    labels: z.array(z.string()).meta({ description: "The labels on the new issue." }),
  }),
  async handler(input, call, deps) {
    const leaked = findCredentials(`${input.title}\n${input.body ?? ""}`, deps.secrets);
    if (leaked.length > 0) {
      deps.logger.warn("issue refused: it contains a credential", { chatId: call.chatId, found: leaked });
      throw new HttpError(
        422,
        "The issue contains what looks like a key, token or password. Never post credentials: remove it and call create_issue again.",
      );
    }
    if (call.run) {
      throw new HttpError(
        403,
        "An automated run may not create issues: no rule allows it. Do not retry; mention in your answer what issue you would open instead.",
      );
    }
    assertPersonMayWrite(call, deps, input.owner, input.repo);
    const labels = input.labels?.length ? await existingLabelNames(deps, input.owner, input.repo, input.labels) : [];
    const what = `repository ${input.owner}/${input.repo}`;
    await waitForPersonWriteSlot(deps, input.owner, input.repo, what);
    const { data } = await fromGitHub(what, () =>
      deps.github.rest.issues.create({
        owner: input.owner,
        repo: input.repo,
        title: neutralizeMentions(input.title),
        // A person's text never carries a run's marker: a copied one would pass for a run's comment.
        body: neutralizeMentions(stripRunMarkers(input.body ?? "")) + chatMarker,
        labels,
        // Not idempotent: after a 5xx the issue may exist, so the model sees the error instead of a second issue.
        request: { retries: 0 },
      }),
    );
    deps.logger.info("issue created", { chatId: call.chatId, user: call.userName, number: data.number });
    return {
      number: data.number,
      html_url: data.html_url,
      labels: data.labels.map((label) => (typeof label === "string" ? label : (label.name ?? ""))),
    };
  },
});
