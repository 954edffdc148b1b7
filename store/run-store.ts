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
   * Labels add_labels may apply in this run (its rule's `labels`). Absent means none: a run adds
   * labels only once a rule allows them. Not stored by the stores yet.
   */
  allowedLabels?: readonly string[];
  /**
   * Workflow files dispatch_workflow may run in this run (its rule's `workflows`). Absent means none,
   * as for labels. Not stored by the stores yet.
   */
  allowedWorkflows?: readonly string[];
}

export type NewRun = Omit<RunRecord, "commentId" | "commentUrl" | "createdAt">;

/** Shared by the relay (which records runs) and the tool server (which scopes a run's tool calls by them). */
export interface RunStore {
  add(run: NewRun): Promise<void>;
  get(chatId: string): Promise<RunRecord | undefined>;
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
