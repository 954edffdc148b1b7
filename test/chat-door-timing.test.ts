import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.ts";
import { createChatDoors } from "../relay/doors/create-chat-doors.ts";
import type { DeliveryLog, NewDelivery } from "../store/delivery-log.ts";
import { discordCommand, slackMention } from "./support/chat-payloads.ts";
import { discordHeaders, discordKeys, slackHeaders } from "./support/sign-chat-requests.ts";

const slackSecret = "8f742231b10e8888abcd99yyyzzz85a5";
const discord = discordKeys();
const json = { "content-type": "application/json" };

/** A store that takes `delayMs` to make each write durable (or fails it); anything else it is asked is a test error. */
function slowStore(delayMs: number, fail = () => false) {
  const keys = new Set<string>();
  const written: Array<{ key: string; at: number }> = [];
  const log = {
    async add(delivery: NewDelivery) {
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (fail()) throw new Error("the store is unreachable");
      const inserted = !keys.has(delivery.key);
      keys.add(delivery.key);
      written.push({ key: delivery.key, at: Date.now() });
      return { inserted };
    },
  };
  const deliveries = new Proxy(log, {
    get(target, name) {
      if (name in target) return target[name as keyof typeof target];
      throw new Error(`the doors asked the store for ${String(name)}`);
    },
  }) as unknown as DeliveryLog;
  return { deliveries, written };
}

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

async function serve(deliveries: DeliveryLog, onQueued: () => void) {
  const app = express();
  const logger = createLogger({ level: "error", write: () => {} });
  app.use(
    createChatDoors(
      {
        slack: { signingSecret: slackSecret, botToken: "xoxb-timing", apiUrl: "https://slack.com/api" },
        discord: {
          publicKey: discord.publicKeyHex,
          applicationId: "1090000000000000001",
          apiUrl: "https://discord.com/api/v10",
        },
        teams: null,
      },
      { deliveries, logger, onQueued },
    ),
  );
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server!.once("listening", resolve));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

describe("the chat doors' answer", () => {
  it("comes once the request is durable, well inside 3 seconds with a slow store, and never waits on the worker", async () => {
    const { deliveries, written } = slowStore(800);
    let woken = 0;
    // A worker that is woken and never finishes: the doors must not wait on it.
    const url = await serve(deliveries, () => {
      woken++;
      void new Promise(() => {});
    });
    const slack = JSON.stringify(slackMention("EvSLOW1"));
    const interaction = JSON.stringify(discordCommand("1114556677889900777"));
    for (const [path, body, headers] of [
      ["/slack/events", slack, slackHeaders(slackSecret, slack)],
      ["/discord/interactions", interaction, discordHeaders(discord.privateKey, interaction)],
    ] as const) {
      const started = Date.now();
      const res = await fetch(`${url}${path}`, { method: "POST", body, headers: { ...json, ...headers } });
      const answeredAt = Date.now();
      expect(res.status, path).toBe(200);
      expect(answeredAt - started, path).toBeLessThan(3_000);
      // Stored before the answer: a request acknowledged is a request kept.
      expect(written.at(-1)!.at, path).toBeLessThanOrEqual(answeredAt);
    }
    expect(written.map((w) => w.key)).toEqual(["slack:event:EvSLOW1", "discord:interaction:1114556677889900777"]);
    expect(woken).toBe(2);
  });

  it("is a 500 when the store fails, so Slack retries; the retry is stored, and the worker woken once", async () => {
    let failing = true;
    const { deliveries, written } = slowStore(5, () => failing);
    let woken = 0;
    const url = await serve(deliveries, () => void woken++);
    const body = JSON.stringify(slackMention("EvFAIL1"));
    const send = (retry?: string) =>
      fetch(`${url}/slack/events`, {
        method: "POST",
        body,
        headers: { ...json, ...slackHeaders(slackSecret, body), ...(retry ? { "x-slack-retry-num": retry } : {}) },
      });
    expect((await send()).status).toBe(500);
    expect(woken).toBe(0);
    failing = false;
    expect((await send("1")).status).toBe(200);
    expect((await send("2")).status).toBe(200);
    expect(written.map((w) => w.key)).toEqual(["slack:event:EvFAIL1", "slack:event:EvFAIL1"]);
    expect(woken).toBe(1);
  });
});
