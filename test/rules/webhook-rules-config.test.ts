import { describe, expect, it } from "vitest";
import { parseConfigFile } from "../../config/parse-config-file.ts";
import { deploymentSecrets } from "../../deployment/deployment-secrets.ts";

const secret = `whsec_${Buffer.from("0123456789abcdef0123456789abcdef").toString("base64")}`;

function problems(yaml: string, env?: Record<string, string>): string[] {
  const parsed = parseConfigFile(yaml, "f.yml", env);
  return parsed.ok ? [] : parsed.problems;
}

const good = `webhooks:
  deploys: { secret_env: DEPLOYS_SECRET }
rules:
  - name: deploy-report
    on: webhook.deploys
    repos: ["octo/app"]
    target: { issue: 7 }
    prompt: "Report it on #{{number}} in {{repository}}: {{payload}}"
`;

describe("webhooks: and rules on webhook.<name> in the config file", () => {
  it("reads a webhook and its rule, with the secret named by a variable that holds one", () => {
    expect(problems(good, { DEPLOYS_SECRET: secret })).toEqual([]);
    const parsed = parseConfigFile(good, "f.yml");
    expect(parsed.ok && parsed.config.rules![0]).toMatchObject({ on: "webhook.deploys", target: { issue: 7 } });
  });

  it("refuses a rule on a webhook the file does not define, and a variable unset or not a Standard Webhooks secret", () => {
    expect(problems(good.replace("on: webhook.deploys", "on: webhook.builds"))).toEqual([
      'f.yml:5:9: rules[0].on: rule "deploy-report": no webhook named "builds"; define it under webhooks: (defined: deploys)',
    ]);
    expect(problems(good, {})).toEqual([
      "f.yml:2:26: webhooks.deploys.secret_env: DEPLOYS_SECRET is not set: set it in the environment (.env), or remove this webhook",
    ]);
    const short = problems(good, { DEPLOYS_SECRET: "whsec_c2hvcnQ=" });
    expect(short).toEqual([expect.stringContaining("DEPLOYS_SECRET does not hold a usable Standard Webhooks secret")]);
    expect(short[0]).not.toContain("c2hvcnQ");
    expect(problems(good.replace("DEPLOYS_SECRET }", `${secret} }`))[0]).toContain(
      "name an environment variable (upper-case letters, digits, _) that holds the secret, not the secret",
    );
  });

  it("makes a webhook rule fix its repository and issue, and keeps GitHub's fields and conditions out of it", () => {
    const bad = `webhooks:
  deploys: { secret_env: DEPLOYS_SECRET }
rules:
  - name: deploy-report
    on: [webhook.deploys, issues.opened]
    repos: ["octo/*"]
    if: { draft: false }
    prompt: "About {{title}}"
`;
    expect(problems(bad).map((p) => p.replace(/^f\.yml:\d+:\d+: /, ""))).toEqual([
      'rules[0].target: rule "deploy-report": a webhook rule needs target: { issue: N }, the issue its runs write on',
      'rules[0].on: rule "deploy-report": a webhook rule runs on one webhook only; on: lists webhook.deploys, issues.opened',
      'rules[0].repos: rule "deploy-report": a webhook rule needs repos: with exactly one repository, e.g. repos: ["octo/app"]',
      'rules[0].if: rule "deploy-report": if: applies to GitHub events; a webhook has no issue, labels or author',
      'rules[0].prompt: rule "deploy-report": {{title}} means nothing for a webhook; use repository, owner, repo, number, event, payload',
    ]);
    const onEvent = `rules:
  - name: triage
    on: issues.opened
    target: { issue: 3 }
    prompt: "{{payload}}"
`;
    expect(problems(onEvent).map((p) => p.replace(/^f\.yml:\d+:\d+: /, ""))).toEqual([
      'rules[0].target: rule "triage": target: is for schedules and webhook rules; an event\'s run writes on its own issue',
      'rules[0].prompt: rule "triage": {{payload}} is a webhook rule\'s field; use title, body or comment',
    ]);
  });

  it("counts each webhook's secret (with and without whsec_) and each channel's URL or token among the secrets never posted", () => {
    const yaml = `${good}channels:
  ops: { kind: discord, url_env: OPS_URL }
  bot: { kind: slack, token_env: BOT_TOKEN, channel: C0123456789 }
`;
    const env = { DEPLOYS_SECRET: secret, OPS_URL: "https://discord.com/api/webhooks/1/abc", BOT_TOKEN: "xoxb-1-2-3" };
    const parsed = parseConfigFile(yaml, "f.yml", env);
    const secrets = deploymentSecrets(env, parsed.ok ? parsed.config : undefined);
    expect(secrets).toEqual(
      expect.arrayContaining([secret, secret.slice("whsec_".length), env.OPS_URL, env.BOT_TOKEN]),
    );
  });
});
