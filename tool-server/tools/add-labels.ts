import { z } from "zod";
import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord } from "../../store/run-store.ts";
import { defineTool } from "../tool-definition.ts";
import { requireAccess } from "../policy/require-access.ts";
import { assertRunHasIssue, isRunTarget, runIssue } from "./access.ts";
import { existingLabelNames, sameLabel } from "./existing-label-names.ts";
import { issueNumberField, ownerField, repoField } from "./issue-fields.ts";
import { fromGitHub } from "./read-scope.ts";
import { withinLabelCap } from "./run-label-cap.ts";
import { observedField, observedNote, observedRun, recordObservedWrite } from "../observe/record-observed-write.ts";

const same = sameLabel;

export const addLabels = defineTool({
  name: "add_labels",
  summary: "Add labels to an issue or pull request",
  description:
    "Add one or more of the repository's existing labels to an issue or pull request (labels already on it stay). Use it to triage: pick labels whose names fit, e.g. bug or question. Only labels that already exist in the repository can be added, and an automated run may add only the labels its rule allows, on the issue it was started for.",
  input: z.object({
    owner: ownerField,
    repo: repoField,
    issue_number: issueNumberField,
    labels: z
      .array(z.string().min(1).max(50))
      .min(1)
      .max(10)
      .meta({ description: 'Names of existing labels to add, e.g. ["bug"]. Letter case does not matter.' }),
  }),
  output: z.strictObject({
    issue_number: z.int().meta({ description: "The issue or pull request labelled." }),
    applied: z.array(z.string()).meta({
      description: "The labels this call applied, as the repository spells them (some may have been on it already).",
    }),
    labels: z.array(z.string()).meta({ description: "All labels on the issue now." }),
    observed: observedField,
  }),
  async handler(input, call, deps) {
    // A write without the chat id could be a relay run outside its scope, as for post_issue_comment.
    if (!call.chatId) {
      throw new HttpError(
        403,
        "Adding labels needs the chat id header from Open WebUI, and it is missing: an administrator must add the header X-OpenWebUI-Chat-Id: {{CHAT_ID}} to the tool server connection (npm run register does). Do not retry.",
      );
    }
    if (call.run) assertRunMayLabel(call.run, input.owner, input.repo, input.issue_number, input.labels);
    // Anyone else needs write on the repository by the people policy (a GitHub-signed-in person: GitHub decides).
    await requireAccess(call, deps, input.owner, input.repo, "write");
    const names = await existingLabelNames(deps, input.owner, input.repo, input.labels);
    const what = `issue ${input.owner}/${input.repo}#${input.issue_number}`;
    // Observe mode (issue 13): checked as in act mode, then recorded instead of applied.
    const observed = observedRun(call);
    if (observed) {
      const target = runIssue(observed);
      await recordObservedWrite(deps, observed, { tool: "add_labels", target, text: null, labels: names });
      return { issue_number: input.issue_number, applied: names, labels: names, observed: observedNote };
    }
    const apply = () =>
      fromGitHub(what, () =>
        deps.github.rest.issues.addLabels({
          owner: input.owner,
          repo: input.repo,
          issue_number: input.issue_number,
          labels: names,
        }),
      );
    const { data } = await (call.run ? withinLabelCap(call.run, names, deps, apply) : apply());
    const userId = call.caller.kind === "person" ? call.caller.person.userId : null;
    deps.logger.info("labels added", {
      deliveryId: call.run?.deliveryId,
      chatId: call.chatId,
      userId,
      issue: what,
      labels: names,
    });
    return {
      issue_number: input.issue_number,
      applied: names,
      labels: data.map((label) => label.name),
    };
  },
});

/** A relay run labels only the issue it was started for, and only with labels its rule allows. */
function assertRunMayLabel(run: RunRecord, owner: string, repo: string, issueNumber: number, labels: string[]): void {
  assertRunHasIssue(run, "add_labels");
  if (!isRunTarget(run, owner, repo, issueNumber)) {
    throw new HttpError(
      403,
      `This automated run may only label ${runIssue(run)}, the issue it was started for. Call add_labels again with owner "${run.owner}", repo "${run.repo}" and issue_number ${run.issueNumber}.`,
    );
  }
  const allowed = run.rule?.labels ?? [];
  if (allowed.length === 0)
    throw new HttpError(
      403,
      "This automated run may not add labels: its rule allows none. Do not retry; say which labels you would add instead.",
    );
  const refused = labels.filter((label) => !allowed.some((a) => same(a, label)));
  if (refused.length > 0) {
    throw new HttpError(
      403,
      `This automated run may add only these labels: ${allowed.join(", ")}. Not allowed: ${refused.join(", ")}. Call again with allowed labels only.`,
    );
  }
}
