import { defuseDiscord, discordLimit } from "../../notify/discord-request.ts";
import { cutText, judgeStatus } from "../../notify/judge-response.ts";
import type { PlatformRequest } from "../../notify/notify-types.ts";
import { escapeSlack, judgeWebApi } from "../../notify/slack-request.ts";
import { teamsCard } from "../../notify/teams-request.ts";
import type { ChatRequest, DiscordCommand, SlackCommand, SlackMention, TeamsMention } from "../doors/chat-request.ts";
import type { TeamsAnswerUrl } from "./teams-answer-url.ts";

/** How the worker reaches each platform (the doors' settings, SLACK_API_URL and DISCORD_API_URL for stand-ins). */
export interface ChatPlatforms {
  slack: { botToken: string | null; apiUrl: string } | null;
  discord: { apiUrl: string } | null;
  teamsAnswerUrl: (teamsChannelId: string) => TeamsAnswerUrl;
}

/** The request that posts an answer, the credentials it carries (never logged), and where it goes in words. */
export type AnswerPost = { request: PlatformRequest; secrets: string[]; where: string } | { problem: string };

const cutNote = "[cut: the answer was longer than this platform takes]";
// Slack's limit for a message's text is 40,000 characters.
const slackLimit = 39_000;

/**
 * The post of an answer where it was asked, with its mentions defused as notify/ does: Slack's
 * `<!channel>` and `<@U…>` escaped, Discord's `@everyone` and role pings broken and `parse: []`,
 * Teams' `<at>` removed. The answer is already free of credentials.
 */
export function answerPost(
  platforms: ChatPlatforms,
  request: ChatRequest,
  answer: string,
  question: string,
): AnswerPost {
  switch (request.platform) {
    case "slack":
      return request.kind === "app_mention" ? slackThread(platforms, request, answer) : slackResponse(request, answer);
    case "discord":
      return discordFollowUp(platforms, request, answer);
    case "teams":
      return teamsPost(platforms, request, answer, question);
  }
}

function slackThread(platforms: ChatPlatforms, request: SlackMention, answer: string): AnswerPost {
  const token = platforms.slack?.botToken;
  if (!token || !platforms.slack)
    return { problem: "SLACK_BOT_TOKEN is not set: a mention is answered with chat.postMessage" };
  const body = {
    channel: request.channelId,
    thread_ts: request.threadTs,
    text: cutText(escapeSlack(answer), slackLimit, cutNote),
    unfurl_links: false,
    unfurl_media: false,
  };
  const url = `${platforms.slack.apiUrl}/chat.postMessage`;
  const post = { url, headers: { authorization: `Bearer ${token}` }, body, judge: judgeWebApi };
  return { request: post, secrets: [token], where: `the Slack thread ${request.threadTs} in ${request.channelId}` };
}

function slackResponse(request: SlackCommand, answer: string): AnswerPost {
  // in_channel: the answer is for the channel, as a mention's is, not only for whoever asked.
  const body = { response_type: "in_channel", text: cutText(escapeSlack(answer), slackLimit, cutNote) };
  const post = { url: request.responseUrl, headers: {}, body, judge: judgeStatus };
  return {
    request: post,
    secrets: [request.responseUrl],
    where: `the response_url of ${request.command} in ${request.channelId}`,
  };
}

function discordFollowUp(platforms: ChatPlatforms, request: DiscordCommand, answer: string): AnswerPost {
  if (!platforms.discord) return { problem: "DISCORD_PUBLIC_KEY and DISCORD_APPLICATION_ID are not set any more" };
  const { applicationId, interactionToken } = request;
  const url = `${platforms.discord.apiUrl}/webhooks/${applicationId}/${encodeURIComponent(interactionToken)}`;
  const body = { content: cutText(defuseDiscord(answer), discordLimit, cutNote), allowed_mentions: { parse: [] } };
  const post = { url, headers: {}, body, judge: judgeStatus };
  return {
    request: post,
    secrets: [interactionToken],
    where: `the follow-up of /${request.command} in ${request.channelId}`,
  };
}

function teamsPost(platforms: ChatPlatforms, request: TeamsMention, answer: string, question: string): AnswerPost {
  const target = platforms.teamsAnswerUrl(request.channelId);
  if ("problem" in target) return target;
  const asked = `${request.userName ?? "Someone"} asked: ${question}`.slice(0, 300);
  const post = { url: target.url, headers: {}, body: teamsCard({ title: asked, text: answer }), judge: judgeStatus };
  return { request: post, secrets: [target.url], where: `the Workflows webhook of Teams channel ${request.channelId}` };
}
