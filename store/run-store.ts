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
}

export type NewRun = Omit<RunRecord, "commentId" | "commentUrl" | "createdAt">;

/** Shared by the relay (which records runs) and the tool server (which scopes a run's tool calls by them). */
export interface RunStore {
  add(run: NewRun): Promise<void>;
  get(chatId: string): Promise<RunRecord | undefined>;
  setComment(chatId: string, comment: { id: number; url: string }): Promise<void>;
  /**
   * Chats of runs created before `before` that are still in Open WebUI (not
   * yet `chatDeleted`), oldest first, at most `limit`: for OPENWEBUI_CHAT_RETENTION_DAYS.
   * A run goes with its delivery (DeliveryLog.prune).
   */
  chatsToDelete(before: number, limit: number): Promise<string[]>;
  /** Notes that the run's chat was deleted in Open WebUI; the run stays until its delivery goes. */
  chatDeleted(chatId: string): Promise<void>;
}
