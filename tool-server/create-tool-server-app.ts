import type { GitHubClients } from "../deployment/create-github-clients.ts";
import type { Logger } from "../lib/logger.ts";
import type { WriteLimit } from "../store/coordination.ts";
import type { ToolServerStores } from "../store/stores.ts";
import { oauthPersonAuth } from "./auth/oauth/oauth-person-auth.ts";
import { createToolServer } from "./create-tool-server.ts";
import type { ToolServerConfig } from "../config/load-tool-server-config.ts";
import type { ToolDefinition } from "./tool-definition.ts";
import { toolServerInfo } from "./openapi/tool-server-info.ts";
import { toolRegistry } from "./tool-registry.ts";
import { createToolServerMetrics } from "./tool-server-metrics.ts";
import { checkWorkflowDispatchSettings, type WorkflowDispatchSettings } from "./tools/workflow-dispatch-settings.ts";
import { defaultPeoplePolicy, type PeoplePolicy } from "../config/people-schema.ts";
import { createUserGroups } from "../open-webui/user-groups.ts";

// A person's groups are asked of Open WebUI again after this long: a change of membership shows within it.
const groupsCacheMs = 60_000;

export interface ToolServerDependencies {
  /** Runs and coordination only: the tool server opens no delivery log or queue. */
  stores: ToolServerStores;
  logger: Logger;
  /** The deployment's secrets: a comment holding any of them is refused. */
  secrets: readonly string[];
  github: GitHubClients;
  version?: string;
  /** GitHub's comment limits with shorter windows, for tests. */
  commentLimits?: readonly WriteLimit[];
  /** The tools to serve; the registry by default. */
  tools?: readonly ToolDefinition[];
  /** Workflows people may run from a chat and the confirmation key; none when absent. */
  workflowDispatch?: WorkflowDispatchSettings;
  /** The config file's people section, read at each call (defaultPeoplePolicy without one). */
  people?: () => PeoplePolicy;
}

/** The tool server's express app for its config, with the deployment's clients; listens nowhere. */
export function createToolServerApp(config: Readonly<ToolServerConfig>, deps: ToolServerDependencies) {
  const metrics = createToolServerMetrics({ processMetrics: true });
  deps.github.onRateLimit(metrics.githubRateLimit);
  const { groups } = config.identity;
  const userGroups = groups ? createUserGroups({ ...groups, cacheMs: groupsCacheMs }) : undefined;
  const { coordination } = deps.stores;
  const oauth = config.oauth
    ? oauthPersonAuth(config.oauth, {
        coordination,
        github: deps.github,
        logger: deps.logger,
        timeoutMs: config.github.timeoutMs,
      })
    : undefined;
  return createToolServer({
    tools: deps.tools ?? toolRegistry,
    deps: {
      github: deps.github.github,
      runs: deps.stores.runs,
      observations: deps.stores.observations,
      coordination: deps.stores.coordination,
      allowList: config.github.allowList,
      logger: deps.logger,
      secrets: deps.secrets,
      commentLimits: deps.commentLimits ?? config.github.commentLimits,
      commentTiming: {
        budgetWaitMs: config.github.commentBudgetWaitMs,
        lockMs: config.github.commentLockMs,
        spacingMs: deps.github.commentSpacingMs,
      },
      personCommentWaitMs: config.commentBudgetWaitMs,
      budgetFor: deps.github.budgetFor,
      ownLogin: deps.github.ownLogin.resolve,
      ...(deps.workflowDispatch ? { workflowDispatch: checkWorkflowDispatchSettings(deps.workflowDispatch) } : {}),
      people: deps.people ?? (() => defaultPeoplePolicy),
      ...(userGroups ? { userGroups } : {}),
    },
    apiKey: config.apiKey,
    identity: { jwtSecret: config.identity.userJwtSecret, trustUserHeaders: config.identity.trustUserHeaders },
    corsOrigins: config.corsOrigins,
    version: deps.version ?? toolServerInfo().version,
    metrics,
    metricsToken: config.metricsToken,
    ...(oauth ? { oauth } : {}),
  });
}
