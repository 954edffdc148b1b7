/** A relay run: the Open WebUI chat a delivery started, and what the tool server may do in it. */
export interface RunRecord {
  chatId: string;
  deliveryKey: string;
  deliveryId: string;
  owner: string;
  repo: string;
  issueNumber: number;
  messageId: string;
  commentId: number | null;
  commentUrl: string | null;
  createdAt: number;
  /**
   * The Open WebUI account whose chat this is (the relay's own; Open WebUI answers it with the new
   * chat): a tool call counts as this run's only from that verified user. Null for runs recorded before.
   */
  userId: string | null;
  /** When the relay marked the run over (its completion ended); null while it lasts. */
  finishedAt: number | null;
  /**
   * Read, not stored: the run is not finished, and it is still its delivery's latest run on a delivery
   * that is pending or running. Only a live run's chat id gives the run's scope (issue 12).
   */
  live: boolean;
  /**
   * Labels add_labels may apply in this run (its rule's `labels`). Absent means none: a run adds
   * labels only once a rule allows them. Not stored by the stores yet.
   */
  allowedLabels?: readonly string[];
  /**
   * Workflow files dispatch_workflow may run in this run (its rule's `workflows`). Absent means none,
   * as for labels. Not stored by the stores yet.
   */
  allowedWorkflows?: readonly string[];
  /**
   * Set on a chat run (a question asked in Slack, Discord or Teams): who asked, as
   * `<platform>:<user id>` (e.g. `slack:U061F7AUR`). Such a run has no issue (owner and repo are
   * empty, issueNumber 0): the tool server treats its calls as the person this user maps to in the
   * people policy (people.chat_users; the default for anyone else), and lets them read only.
   */
  askedBy?: string;
}

export type NewRun = Omit<RunRecord, "commentId" | "commentUrl" | "createdAt" | "userId" | "finishedAt" | "live"> & {
  userId?: string | null;
};

/** Shared by the relay (which records runs) and the tool server (which scopes a run's tool calls by them). */
export interface RunStore {
  add(run: NewRun): Promise<void>;
  get(chatId: string): Promise<RunRecord | undefined>;
  /** Marks the run over: from now on its chat id gives nothing (the relay calls it when the completion ends). */
  finish(chatId: string): Promise<void>;
  /** Also marks the comment as the delivery's (commentOf), whichever of its runs posted it. */
  setComment(chatId: string, comment: RunComment): Promise<void>;
  /**
   * Chats of runs created before `before` that are still in Open WebUI (not
   * yet `chatDeleted`), oldest first, at most `limit`: for OPENWEBUI_CHAT_RETENTION_DAYS.
   * A run goes with its delivery (DeliveryLog.prune).
   */
  chatsToDelete(before: number, limit: number): Promise<string[]>;
  /** Notes that the run's chat was deleted in Open WebUI; the run stays until its delivery goes. */
  chatDeleted(chatId: string): Promise<void>;
  /**
   * The comment any run of the delivery recorded: a retry finds it here even
   * when GitHub's comment list does not show it yet.
   */
  commentOf(deliveryKey: string): Promise<RunComment | undefined>;
  /** Keeps the model's answer on the run, for a retry to post without asking the model again. */
  keepAnswer(chatId: string, answer: string): Promise<void>;
  /** The answer the delivery's latest run kept, if any, with that run's chat. */
  keptAnswerOf(deliveryKey: string): Promise<KeptAnswer | undefined>;
}

export interface RunComment {
  id: number;
  url: string;
}

export interface KeptAnswer {
  chatId: string;
  answer: string;
}
