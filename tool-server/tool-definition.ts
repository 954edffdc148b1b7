import type { Octokit } from "@octokit/rest";
import type { SchemaObject } from "openapi3-ts/oas31";
import type { CommentTiming } from "../github/post-run-comment.ts";
import type { RepoAllowList } from "../github/repo-allow-list.ts";
import type { Logger } from "../lib/logger.ts";
import type { RunRecord, Store, WriteLimit } from "../store/store.ts";

export interface FieldSpec {
  type: "string" | "integer";
  description: string;
  required: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  example?: string | number;
}

export type Fields = Record<string, FieldSpec>;

export type InputOf<F extends Fields> = {
  [K in keyof F as F[K]["required"] extends true ? K : never]: F[K]["type"] extends "integer" ? number : string;
} & {
  [K in keyof F as F[K]["required"] extends true ? never : K]?: F[K]["type"] extends "integer" ? number : string;
};

/** What Open WebUI tells us about the call through the connection's header templates. */
export interface CallContext {
  chatId: string | null;
  userName: string | null;
  /**
   * The relay run behind `chatId`, looked up once per call by the server. Open WebUI sends the chat id
   * through the connection's header template; the relay recorded which issue that chat's run was
   * started for. Scope is enforced from it, not in the prompt.
   */
  run: RunRecord | undefined;
}

export interface ToolDependencies {
  github: Octokit;
  store: Store;
  allowList: RepoAllowList;
  logger: Logger;
  /** Values that must never appear in anything posted (tokens and keys of this deployment). */
  secrets: readonly string[];
  /** GitHub's comment budget per token, shared with the relay through the store. */
  commentLimits: readonly WriteLimit[];
  /** How long a run's comment waits for that budget, under its lock. */
  commentTiming: CommentTiming;
  /** The login our comments are posted as (a user, or a GitHub App's `<slug>[bot]`); null when unknown. */
  ownLogin?: () => Promise<string | null>;
}

export interface ToolDefinition<F extends Fields = Fields> {
  /** Becomes the route (`POST /<name>`) and the operationId, which Open WebUI uses as the tool name. */
  name: string;
  summary: string;
  /** Written for the model: when to use the tool and what it returns. */
  description: string;
  input: F;
  output: SchemaObject;
  handler(input: InputOf<F>, call: CallContext, deps: ToolDependencies): Promise<object>;
}

/** Keeps the field types of one tool tied to its handler's input type. */
export function defineTool<const F extends Fields>(tool: ToolDefinition<F>): ToolDefinition<F> {
  return tool;
}
