import { createRequire } from "node:module";
import type { WebhookDefinition } from "@octokit/webhooks-examples";

// The package's entry point is a JSON file, which `import` cannot read without an attribute tsx and tsc agree on.
const examples = createRequire(import.meta.url)("@octokit/webhooks-examples") as WebhookDefinition[];

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are edited freely in tests
export type Payload = Record<string, any>;

/**
 * A payload GitHub recorded (`@octokit/webhooks-examples`) for `event` with `action`, copied so
 * a test may edit it. `index` picks among several recordings of the same action.
 */
export function recordedPayload(event: string, action: string, index = 0): Payload {
  const definition = examples.find((d) => d.name === event);
  const found = (definition?.examples ?? []).filter((e) => (e as { action?: string }).action === action);
  const example = found[index];
  if (!example) throw new Error(`no recorded ${event}.${action} payload #${index}`);
  return structuredClone(example) as Payload;
}

/** A time shortly after the payload's thing was written: recordings are from 2019, replay bounds apply. */
export function justAfter(payload: Payload): number {
  const written =
    payload.review?.submitted_at ?? payload.comment?.created_at ?? (payload.pull_request ?? payload.issue).created_at;
  return Date.parse(written) + 60_000;
}
