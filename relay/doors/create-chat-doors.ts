import { Router } from "express";
import type { ChatDoorsConfig } from "../../config/read-chat-doors-config.ts";
import { chatDoor, type ChatDoorOptions } from "./chat-door.ts";
import { readDiscordInteraction, verifyDiscordRequest } from "./discord-interactions.ts";
import { readSlackCommand } from "./slack-commands.ts";
import { readSlackEvent, verifySlackRequest } from "./slack-events.ts";
import { discordPublicKey } from "./verify-discord-signature.ts";

/**
 * The Slack and Discord doors, each mounted only when its settings are there: without them its
 * path is not found (404), like any other. Mounted before any body parser: the signatures are
 * over the raw bytes.
 */
export function createChatDoors(config: ChatDoorsConfig, options: ChatDoorOptions): Router {
  const router = Router();
  if (config.slack) {
    const verify = verifySlackRequest(config.slack.signingSecret);
    router.post("/slack/events", chatDoor({ name: "slack events", verify, read: readSlackEvent }, options));
    router.post("/slack/commands", chatDoor({ name: "slack commands", verify, read: readSlackCommand }, options));
  }
  if (config.discord) {
    const verify = verifyDiscordRequest(discordPublicKey(config.discord.publicKey));
    router.post("/discord/interactions", chatDoor({ name: "discord", verify, read: readDiscordInteraction }, options));
  }
  return router;
}
