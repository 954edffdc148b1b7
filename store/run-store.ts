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
   * What the run's rule lets it do, fixed when the run starts (issue 13). Null for runs recorded
   * before rules reached the run store: they keep the built-in rule's reach (one comment, no labels,
   * no workflows, every run tool).
   */
  rule: RunRule | null;
  /** When a review comment started the run: its comments go as replies in that comment's review thread. */
  reviewCommentId: number | null;
  /**
   * Comments the run has written so far, new ones and one taken over from an earlier run of its
   * delivery (a retry edits that one): what its rule's maxComments counts.
   */
  commentsPosted: number;
  /** Labels the run has added so far, across its add_labels calls: what its rule's maxLabels counts. */
  labelsAdded: readonly string[];
  /**
   * Set on a chat run (a question asked in Slack, Discord or Teams): who asked, as
   * `<platform>:<user id>` (e.g. `slack:U061F7AUR`). Such a run has no issue (owner and repo are
   * empty, issueNumber 0): the tool server treats its calls as the person this user maps to in the
   * people policy (people.chat_users; the default for anyone else), and lets them read only.
   */
  askedBy?: string;
}

export type NewRun = Omit<
  RunRecord,
  | "commentId"
  | "commentUrl"
  | "createdAt"
  | "userId"
  | "finishedAt"
  | "live"
  | "rule"
  | "reviewCommentId"
  | "commentsPosted"
  | "labelsAdded"
> & {
  userId?: string | null;
  rule?: RunRule | null;
  reviewCommentId?: number | null;
};

/** A rule's settings as one run keeps them (config/rules-schema.ts Rule, narrowed to what the tool server enforces). */
export interface RunRule {
  name: string;
  /** observe: the run's writes are recorded instead of sent. */
  mode: "act" | "observe";
  /** Tool names the model may call in the run; null: every tool a run may use. */
  tools: readonly string[] | null;
  /** Labels add_labels may apply (they must also exist in the repository). */
  labels: readonly string[];
  /** Workflow files dispatch_workflow may run. */
  workflows: readonly string[];
  /** Comments the run may post. */
  maxComments: number;
  /** Labels the run may add; null: no cap beyond `labels`. */
  maxLabels: number | null;
  /** update: one comment per issue or pull request, edited by later runs. */
  comment: "new" | "update";
}

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
  /** Sets how many comments the run has written (RunRecord.commentsPosted); the caller holds the delivery's comment lock. */
  setCommentsPosted(chatId: string, count: number): Promise<void>;
  /** Sets every label the run has added so far (RunRecord.labelsAdded); the caller holds the run's label lock. */
  setLabelsAdded(chatId: string, labels: readonly string[]): Promise<void>;
  /** Keeps the model's answer on the run, for a retry to post without asking the model again. */
  keepAnswer(chatId: string, answer: string): Promise<void>;
  /** The answer the delivery's latest run kept, if any, with that run's chat. */
  keptAnswerOf(deliveryKey: string): Promise<KeptAnswer | undefined>;
  /**
   * A `comment: update` rule's thread (relay/comment-thread.ts threadKey): its one comment, found
   * here even when GitHub's comment list lags, and the newest delivery that started a run on it.
   */
  threadOf(thread: string): Promise<CommentThread | undefined>;
  /**
   * Makes the delivery the thread's newest unless one received later (or at the same time with a
   * greater key) is recorded already; answers the newest after the call. Runs of any other
   * delivery are superseded: their comments no longer reach the thread.
   */
  claimThread(thread: string, claim: ThreadClaim): Promise<ThreadClaim>;
  /** Records the thread's comment (the relay and the tool server write it inside the thread's lock). */
  setThreadComment(thread: string, comment: RunComment): Promise<void>;
}

/** The delivery whose run a thread's comment is for now. */
export interface ThreadClaim {
  deliveryKey: string;
  deliveryId: string;
  /** When the relay received the delivery (DeliveryRecord.receivedAt): later pushes supersede earlier ones. */
  receivedAt: number;
}

export interface CommentThread {
  comment: RunComment | null;
  newest: ThreadClaim | null;
}

export interface RunComment {
  id: number;
  url: string;
}

export interface KeptAnswer {
  chatId: string;
  answer: string;
}
