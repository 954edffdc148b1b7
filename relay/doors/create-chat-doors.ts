import { Router } from "express";
import type { ChatDoorsConfig } from "../../config/read-chat-doors-config.ts";
import { chatDoor, type ChatDoorOptions } from "./chat-door.ts";
import { readDiscordInteraction, verifyDiscordRequest } from "./discord-interactions.ts";
import { readSlackCommand } from "./slack-commands.ts";
import { readSlackEvent, verifySlackRequest } from "./slack-events.ts";
import { readTeamsMessage, verifyTeamsRequest } from "./teams-messages.ts";
import { discordPublicKey } from "./verify-discord-signature.ts";

/**
 * The Slack, Discord and Teams doors, each mounted only when its settings are there: without them its
 * path is not found (404), like any other. Mounted before any body parser: the signatures are
 * over the raw bytes.
 */
export function createChatDoors(config: ChatDoorsConfig, options: ChatDoorOptions): Router {
  const router = Router();
  const { slack, discord, teams } = config;
  if (slack) {
    const verify = verifySlackRequest(slack.signingSecret);
    // A mention is answered with chat.postMessage, which needs the bot token; a command has its response_url.
    if (slack.botToken)
      router.post("/slack/events", chatDoor({ name: "slack events", verify, read: readSlackEvent }, options));
    const read = readSlackCommand(slack.apiUrl);
    router.post("/slack/commands", chatDoor({ name: "slack commands", verify, read }, options));
  }
  if (discord) {
    const verify = verifyDiscordRequest(discordPublicKey(discord.publicKey));
    const read = readDiscordInteraction(discord.applicationId);
    router.post("/discord/interactions", chatDoor({ name: "discord", verify, read }, options));
  }
  if (teams) {
    const verify = verifyTeamsRequest(teams.securityToken);
    router.post("/teams/messages", chatDoor({ name: "teams", verify, read: readTeamsMessage }, options));
  }
  return router;
}
