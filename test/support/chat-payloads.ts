// Shaped after the examples in Slack's Events API and slash command docs and Discord's
// interactions reference; ids are made up.

export function slackMention(eventId = "Ev0PV52K21", extra: Record<string, unknown> = {}) {
  return {
    token: "ZZZZZZWSxiZZZ2yIvs3peJ",
    team_id: "T061EG9R6",
    api_app_id: "A0MDYCDME",
    event: {
      type: "app_mention",
      user: "U061F7AUR",
      text: "<@U0LAN0Z89> what is octo/app#12 about?",
      ts: "1515449522.000016",
      channel: "C0LAN2Q65",
      event_ts: "1515449522000016",
      ...extra,
    },
    type: "event_callback",
    event_id: eventId,
    event_time: 1515449522000016,
    authed_users: ["U0LAN0Z89"],
  };
}

export function slackCommandForm(triggerId = "13345224609.738474920.8088930838d88f008e0") {
  return new URLSearchParams({
    token: "gIkuvaNzQIHg97ATvDxqgjtO",
    team_id: "T0001",
    team_domain: "example",
    enterprise_id: "E0001",
    enterprise_name: "Globular Construct Inc",
    channel_id: "C2147483705",
    channel_name: "test",
    user_id: "U2147483697",
    user_name: "Steve",
    command: "/ask",
    text: "what is octo/app#12 about?",
    response_url: "https://hooks.slack.com/commands/1234/5678",
    trigger_id: triggerId,
    api_app_id: "A123456",
  }).toString();
}

export function discordPing() {
  return {
    id: "1114556677889900",
    application_id: "1090000000000000001",
    type: 1,
    token: "aW50ZXJhY3Rpb246cGluZw",
    version: 1,
  };
}

export function discordCommand(id = "1114556677889900112") {
  return {
    id,
    application_id: "1090000000000000001",
    type: 2,
    token: "aW50ZXJhY3Rpb246MTExNDU1NjY3Nzg4OTkwMDExMjpzZWNyZXQ",
    version: 1,
    guild_id: "290926798626357999",
    channel_id: "645027906669510667",
    member: { user: { id: "53908232506183680", username: "mason", discriminator: "0" }, roles: [] },
    data: {
      id: "771825006014889984",
      name: "ask",
      type: 1,
      options: [{ type: 3, name: "question", value: "what is octo/app#12 about?" }],
    },
  };
}

/** A channel message that @mentions an outgoing webhook, shaped after Teams' outgoing webhook docs. */
export function teamsMessage(id = "1485983408511", sentAt = new Date()) {
  return {
    type: "message",
    id,
    timestamp: sentAt.toISOString(),
    localTimestamp: sentAt.toISOString(),
    serviceUrl: "https://smba.trafficmanager.net/amer/",
    channelId: "msteams",
    from: { id: "29:1XJKJMvc5GBtc2JwZq0oj8tHZmzrQgFmB39ATiQWA85gQ", name: "Tim Jones", aadObjectId: "aad-tim-0001" },
    conversation: { isGroup: true, id: `19:253b1f341670408fb6fe51050b6e5ceb@thread.skype;messageid=${id}` },
    recipient: null,
    textFormat: "plain",
    attachmentLayout: "list",
    text: "<at>GitHub</at> what is octo/app#12 about?",
    attachments: [
      { contentType: "text/html", content: "<div><span itemscope>GitHub</span> what is octo/app#12 about?</div>" },
    ],
    entities: [{ type: "clientInfo", locale: "en-US", country: "US", platform: "Web" }],
    channelData: {
      teamsChannelId: "19:253b1f341670408fb6fe51050b6e5ceb@thread.skype",
      teamsTeamId: "19:712d2f1e2bab4b02a9b2ae8c2b3c1a5e@thread.skype",
      tenant: { id: "72f988bf-86f1-41af-91ab-2d7cd011db47" },
    },
    locale: "en-US",
  };
}
