import type { Octokit } from "@octokit/rest";
import type { z } from "zod";
import type { CommentTiming } from "../github/post-run-comment.ts";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import type { Logger } from "../lib/logger.ts";
import type { Coordination, WriteLimit } from "../store/coordination.ts";
import type { PeoplePolicy } from "../config/people-schema.ts";
import type { RunRecord, RunStore } from "../store/run-store.ts";
import type { ObservationStore } from "../store/observation-store.ts";
import type { WorkflowDispatchSettings } from "./tools/workflow-dispatch-settings.ts";
import type { Caller } from "./auth/caller.ts";
import type { SignedInPerson } from "./auth/oauth/person-auth.ts";
import type { ChatAsker } from "./policy/chat-asker.ts";

/** Who is calling and from which chat, as the server worked it out before the tool runs. */
export interface CallContext {
  chatId: string | null;
  /** Verified from the signed JWT (or trusted headers); never a display name taken at its word. */
  caller: Caller;
  /**
   * The relay run this call belongs to, looked up once per call by the server (auth/recognise-run.ts):
   * set only for a run that lasts, called by the relay's own account when identity is verified. Scope
   * is enforced from it, not in the prompt.
   */
  run: RunRecord | undefined;
  /** Set when the caller signed in with GitHub (the OAuth connection): never a run; tools act with their token. */
  person?: SignedInPerson;
  /**
   * Set when the call comes from a chat run (a question asked in Slack, Discord or Teams): the call
   * reads as the person who asked may (people.chat_users, else the default) and writes nothing. Such a
   * call has no `run`: it is not scoped to an issue.
   */
  chat?: ChatAsker;
}

export interface ToolDependencies {
  /** What people may dispatch and the key their confirmations are signed with; absent: people dispatch nothing. */
  workflowDispatch?: WorkflowDispatchSettings;
  github: Octokit;
  runs: RunStore;
  /** Where an observed run's writes are recorded instead of sent (observe mode). */
  observations: ObservationStore;
  /** Locks and the comment budget, shared with the relay. */
  coordination: Coordination;
  allowList: RepoAllowList;
  logger: Logger;
  /** Values that must never appear in anything posted (tokens and keys of this deployment). */
  secrets: readonly string[];
  /** GitHub's comment budget per token (or App installation), shared with the relay through the store. */
  commentLimits: readonly WriteLimit[];
  /** Which comment budget a comment on this repository counts against (GitHubClients.budgetFor). */
  budgetFor: (owner: string, repo: string) => Promise<string>;
  /** How long a run's comment waits for that budget, under its lock. */
  commentTiming: CommentTiming;
  /** How long a person's comment waits for the token's comment budget (TOOL_SERVER_COMMENT_BUDGET_WAIT_MS). */
  personCommentWaitMs: number;
  /** The people section of the deployment's config: who may read and write which repository. */
  people: () => PeoplePolicy;
  /** A verified user's Open WebUI groups (admin API, cached); absent: grants naming a group name nobody. */
  userGroups?: (userId: string) => Promise<readonly string[]>;
  /** The login our comments are posted as (a user, or a GitHub App's `<slug>[bot]`); null when unknown. */
  ownLogin?: () => Promise<string | null>;
}

export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** Becomes the route (`POST /<name>`) and the operationId, which Open WebUI uses as the tool name. */
  name: string;
  summary: string;
  /** Written for the model: when to use the tool and what it returns. */
  description: string;
  /** The call's arguments; each field's description is written for the model. Unknown fields are dropped. */
  input: I;
  /** What the handler answers; the tests parse every successful answer with it. */
  output: O;
  handler(input: z.output<I>, call: CallContext, deps: ToolDependencies): Promise<z.input<O>>;
}

/** Ties the handler's argument and answer types to the tool's schemas. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(
  tool: ToolDefinition<I, O>,
): ToolDefinition<I, O> {
  return tool;
}
