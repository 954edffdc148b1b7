import type { RelayConfig } from "../config/load-relay-config.ts";
import { createOpenWebUIClient, type OpenWebUIClient } from "../open-webui/chat-client.ts";
import type { ModelErrorKind } from "../open-webui/open-webui-request.ts";
import { fanOut } from "./fan-out.ts";

export interface OpenWebUIChat {
  client: OpenWebUIClient;
  /** The relay's metrics count each failed call. */
  onError(listener: (kind: ModelErrorKind) => void): void;
}

/** The relay's Open WebUI client, built once per process. */
export function createOpenWebUIChat(
  config: RelayConfig["openWebUI"],
  options: { fetch?: typeof fetch },
): OpenWebUIChat {
  const errors = fanOut<[ModelErrorKind]>();
  const client = createOpenWebUIClient({
    baseUrl: config.url,
    apiKey: config.apiKey,
    completionTimeoutMs: config.timeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    onError: errors.emit,
    ...options,
  });
  return { client, onError: errors.listen };
}
