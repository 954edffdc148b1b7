import { integer } from "./env-fields.ts";

/** How the relay reads repositories' own .github/openwebui-github.yml (docs/repository-config.md). */
export interface RepoConfigSettings {
  /**
   * How long a repository's file is used before it is read again without a push to its default
   * branch saying it changed (RELAY_REPO_CONFIG_TTL_MS): a backstop for a push the relay missed
   * (a webhook not subscribed to push, a delivery lost). 0 reads it before every run.
   */
  repoConfigTtlMs: number;
}

/** The variables of RepoConfigSettings, for readEnvFields. */
export const repoConfigFields = {
  repoConfigTtlMs: integer("RELAY_REPO_CONFIG_TTL_MS", 600_000, { min: 0, max: 86_400_000 }),
};
