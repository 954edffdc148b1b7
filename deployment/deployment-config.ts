import type { Env } from "../config/config-error.ts";
import type { LoadedConfigFile } from "../config/load-config-file.ts";
import type { RelayConfig } from "../config/load-relay-config.ts";
import type { ToolServerConfig } from "../config/load-tool-server-config.ts";
import type { GitHubClientTuning } from "../github/create-github-client.ts";
import type { Logger } from "../lib/logger.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { ToolDefinition } from "../tool-server/tool-definition.ts";
import type { WorkflowDispatchSettings } from "../tool-server/tools/workflow-dispatch-settings.ts";
import type { PeoplePolicy } from "../config/people-schema.ts";
import type { NotifyTimeouts } from "../notify/notify-types.ts";
import type { ScheduleClock } from "../relay/schedules/schedule-clock.ts";

/** What this process runs: the relay, the tool server, or both (null: not here). */
export interface DeploymentConfig {
  /** The environment the configs were read from: every secret in it is one never to post. */
  env: Env;
  relay: Readonly<RelayConfig> | null;
  toolServer: Readonly<ToolServerConfig> | null;
  /** openwebui-github.yml as read at start; without it the built-in defaults hold and a reload reads nothing. */
  configFile?: LoadedConfigFile | null;
}

/** What tests and the bench change: the network, shortened waits, their own logger. */
export interface DeploymentOptions {
  /** Without one, JSON lines on stdout with the deployment's secrets redacted. */
  logger?: Logger;
  /** The service name in each log line. */
  service?: string;
  /** For GitHub and Open WebUI. */
  fetch?: typeof fetch;
  github?: Omit<GitHubClientTuning, "fetch" | "onRateLimit">;
  host?: string;
  pollIntervalMs?: number;
  /** GitHub's comment limits with shorter windows. */
  commentLimits?: readonly WriteLimit[];
  /** The tool server's tools; the registry by default. */
  tools?: readonly ToolDefinition[];
  /** Workflows people may run from a chat, until the config file carries them; none when absent. */
  workflowDispatch?: WorkflowDispatchSettings;
  /** Waits of the relay's notifications (a rule's notify:); notify/notify-types.ts defaults without them. */
  notifyTimeouts?: NotifyTimeouts;
  /** The relay's schedules' clock; the machine's when absent. */
  scheduleClock?: ScheduleClock;
  /** The people section the tool server decides by; defaultPeoplePolicy without one. */
  people?: () => PeoplePolicy;
}
