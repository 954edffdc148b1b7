import { HttpError } from "../../lib/http-error.ts";
import type { ToolDependencies } from "../tool-definition.ts";
import { fromGitHub } from "./read-scope.ts";

// GitHub creates a label that does not exist, so more than this many would only be a search for names.
const maxRepoLabels = 1_000;

export const sameLabel = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** The repository's own spelling of each asked label; refuses names that do not exist, which GitHub would create. */
export async function existingLabelNames(
  deps: ToolDependencies,
  owner: string,
  repo: string,
  asked: readonly string[],
): Promise<string[]> {
  const existing: string[] = [];
  await fromGitHub(`the labels of ${owner}/${repo}`, async () => {
    for await (const { data } of deps.github.paginate.iterator(deps.github.rest.issues.listLabelsForRepo, {
      owner,
      repo,
      per_page: 100,
    })) {
      existing.push(...data.map((label) => label.name));
      if (existing.length >= maxRepoLabels) break;
    }
  });
  const unknown = asked.filter((name) => !existing.some((e) => sameLabel(e, name)));
  if (unknown.length > 0) {
    throw new HttpError(
      422,
      `These labels do not exist in ${owner}/${repo}: ${unknown.join(", ")}. This tool never creates labels. Existing labels: ${existing.slice(0, 100).join(", ") || "none"}.`,
    );
  }
  return [...new Set(asked.map((name) => existing.find((e) => sameLabel(e, name))!))];
}
