import { z } from "zod";
import { HttpError } from "../../lib/http-error.ts";
import type { RunRecord } from "../../store/run-store.ts";
import { defineTool, type CallContext, type ToolDependencies } from "../tool-definition.ts";
import { assertRepoAllowed, isRunTarget } from "./access.ts";
import { issueConfirmation, redeemConfirmation, type DispatchRequest } from "./dispatch-confirmation.ts";
import { ownerField, repoField } from "./issue-fields.ts";
import { personMayWrite } from "./person-write.ts";
import { fromGitHub } from "./read-scope.ts";
import { checkInputs, readDeclaredInputs, workflowPath } from "./workflow-inputs.ts";
import type { WorkflowDispatchSettings } from "./workflow-dispatch-settings.ts";
import { observedField, observedNote, observedRun, recordObservedWrite } from "../observe/record-observed-write.ts";

const inputSchema = z.object({
  owner: ownerField,
  repo: repoField,
  workflow: z
    .string()
    .regex(/^[\w.-]+\.ya?ml$/)
    .meta({ description: 'The workflow file\'s name in .github/workflows, e.g. "triage.yml".' }),
  ref: z
    .string()
    .max(255)
    .regex(/^(?!.*\.\.)[A-Za-z0-9._/-]+$/)
    .meta({ description: 'The branch or tag to run the workflow on, e.g. "main".' }),
  inputs: z
    .record(z.string().max(100), z.union([z.string().max(10_000), z.number(), z.boolean()]))
    .optional()
    .meta({ description: "The workflow's inputs by name, as its workflow_dispatch trigger declares them." }),
  confirmation_token: z.string().max(2_000).optional().meta({
    description:
      "Leave out at first: the answer shows what would run and a token. After the user confirms exactly that, call again with the same arguments and this token.",
  }),
});

const outputSchema = z.strictObject({
  status: z.enum(["confirmation_needed", "dispatched"]).meta({
    description:
      "confirmation_needed: nothing ran yet; show the user the workflow, ref and inputs and ask them to confirm. dispatched: GitHub queued the run.",
  }),
  workflow: z.string().meta({ description: "The workflow file." }),
  ref: z.string().meta({ description: "The branch or tag it runs on." }),
  inputs: z.record(z.string(), z.string()).meta({ description: "The inputs as GitHub receives them." }),
  confirmation_token: z.string().optional().meta({ description: "Pass it back to run exactly this, once." }),
  expires_at: z.string().optional().meta({ description: "When the confirmation token stops working." }),
  runs_url: z.url().meta({ description: "The workflow's runs on GitHub; give it to the user." }),
  observed: observedField,
});

type Output = z.input<typeof outputSchema>;

export const dispatchWorkflow = defineTool({
  name: "dispatch_workflow",
  summary: "Run a GitHub Actions workflow by hand",
  description:
    "Start a GitHub Actions workflow that has a workflow_dispatch trigger, on a branch or tag, with its inputs. Only workflows the deployment (or the automated run's rule) allows can be run. In a chat it takes two calls: the first returns what would run and a confirmation token; ask the user, and only when they confirm, call again with the same arguments and the token.",
  input: inputSchema,
  output: outputSchema,
  async handler(input, call, deps) {
    const { run } = call;
    const writer = run ? undefined : await personMayWrite(call, deps, input.owner, input.repo);
    if (run) assertRunMayDispatch(run, input.owner, input.repo, input.workflow);
    assertRepoAllowed(deps, input.owner, input.repo);
    const settings = run ? undefined : personSettings(deps, input.workflow);
    const declared = await readDeclaredInputs(deps, input);
    const request: DispatchRequest = { ...input, inputs: checkInputs(declared, input.inputs ?? {}) };
    // A relay run's rule is its confirmation; a person confirms each run.
    if (settings) {
      const person = { chatId: call.chatId!, writer: writer!.key };
      if (!input.confirmation_token)
        return needsConfirmation(request, await issueConfirmation(settings, request, person));
      await redeemConfirmation(settings, deps.coordination, input.confirmation_token, request, person);
    }
    const observed = observedRun(call);
    if (observed) return observeDispatch(deps, observed, request);
    return dispatch(deps, call, request);
  },
});

function runsUrl(request: DispatchRequest): string {
  return `https://github.com/${request.owner}/${request.repo}/actions/workflows/${encodeURIComponent(request.workflow)}`;
}

function needsConfirmation(request: DispatchRequest, confirmation: { token: string; expiresAt: string }): Output {
  const { workflow, ref, inputs } = request;
  return {
    status: "confirmation_needed",
    workflow,
    ref,
    inputs,
    confirmation_token: confirmation.token,
    expires_at: confirmation.expiresAt,
    runs_url: runsUrl(request),
  };
}

async function dispatch(deps: ToolDependencies, call: CallContext, request: DispatchRequest): Promise<Output> {
  const { owner, repo, workflow, ref, inputs } = request;
  await fromGitHub(`workflow ${workflowPath(workflow)} in ${owner}/${repo}`, () =>
    deps.github.rest.actions.createWorkflowDispatch({
      owner,
      repo,
      workflow_id: workflow,
      ref,
      inputs,
      // Not idempotent: after a 5xx the run may have started, so the model sees the error instead of a second run.
      request: { retries: 0 },
    }),
  );
  deps.logger.info("workflow dispatched", { deliveryId: call.run?.deliveryId, chatId: call.chatId, workflow, ref });
  return { status: "dispatched", workflow, ref, inputs, runs_url: runsUrl(request) };
}

/** Observe mode (issue 13): the checked dispatch is recorded instead of run. */
async function observeDispatch(deps: ToolDependencies, run: RunRecord, request: DispatchRequest): Promise<Output> {
  const { owner, repo, workflow, ref, inputs } = request;
  const target = `${owner}/${repo} workflow ${workflow}@${ref}`;
  const text = Object.keys(inputs).length > 0 ? JSON.stringify(inputs) : null;
  await recordObservedWrite(deps, run, { tool: "dispatch_workflow", target, text, labels: [] });
  return { status: "dispatched", workflow, ref, inputs, runs_url: runsUrl(request), observed: observedNote };
}

/** A relay run dispatches only in its own repository, only workflows its rule names. */
function assertRunMayDispatch(run: RunRecord, owner: string, repo: string, workflow: string): void {
  if (!isRunTarget(run, owner, repo))
    throw new HttpError(
      403,
      `This automated run may only run workflows in ${run.owner}/${run.repo}, the repository it was started for. Use owner "${run.owner}" and repo "${run.repo}".`,
    );
  const allowed = run.rule?.workflows ?? [];
  if (!allowed.includes(workflow))
    throw new HttpError(
      403,
      allowed.length === 0
        ? "This automated run may not run workflows: its rule allows none. Do not retry."
        : `This automated run may run only these workflows: ${allowed.join(", ")}. Not ${workflow}.`,
    );
}

/** The deployment's allow-list for people; none unless an administrator names workflows. */
function personSettings(deps: ToolDependencies, workflow: string): WorkflowDispatchSettings {
  const settings = deps.workflowDispatch;
  const allowed = settings?.workflows ?? [];
  if (!settings || !allowed.includes(workflow))
    throw new HttpError(
      403,
      allowed.length === 0
        ? "This deployment lets nobody run workflows from a chat. Do not retry; tell the user an administrator must allow the workflow."
        : `Workflows that may be run from a chat: ${allowed.join(", ")}. ${workflow} is not one of them; do not retry with it.`,
    );
  return settings;
}
