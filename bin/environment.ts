import { existsSync } from "node:fs";
import { ConfigError } from "../config/config-error.ts";
import type { ConfigHolder } from "../config/config-holder.ts";
import type { Logger } from "../lib/logger.ts";

/** Variables from the shell win over `.env`, which only fills the gaps. */
export function loadDotEnv(path = ".env") {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** Runs the config loaders, and on failure prints every problem at once and exits. */
export function configOrExit<T extends unknown[]>(...loaders: { [K in keyof T]: () => T[K] }): T {
  const results: unknown[] = [];
  const problems: string[] = [];
  for (const load of loaders) {
    try {
      results.push(load());
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.problems) if (!problems.includes(problem)) problems.push(problem);
    }
  }
  if (problems.length > 0) {
    process.stderr.write(
      `openwebui-github cannot start:\n${problems.map((p) => `  - ${p}`).join("\n")}\nSet variables in the environment or in .env (see .env.example); check the config file with npm run config -- check.\n`,
    );
    process.exit(78);
  }
  return results as T;
}

/** Stops cleanly on Ctrl-C and on `docker stop`. */
export function onShutdown(logger: Logger, close: () => Promise<void>) {
  let closing = false;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (closing) process.exit(1);
      closing = true;
      logger.info("shutting down", { signal });
      close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error("shutdown failed", { error });
          process.exit(1);
        },
      );
    });
  }
}

/**
 * `kill -HUP <pid>` (or `docker compose kill -s HUP relay`) reads the config file again; an invalid
 * one is refused and the one in use stays (the holder logs why).
 */
export function onReload(logger: Logger, config: Pick<ConfigHolder, "reload">) {
  process.on("SIGHUP", () => {
    logger.info("reloading the config file", { signal: "SIGHUP" });
    config.reload().catch((error: unknown) => logger.error("config file reload failed", { error }));
  });
}

/** Awaits a start; a failure that names its exit status (an unreachable Redis: 69) stops the process with it. */
export async function startOrExit<T>(start: Promise<T>): Promise<T> {
  try {
    return await start;
  } catch (error) {
    const exitCode = (error as { exitCode?: unknown }).exitCode;
    if (typeof exitCode !== "number") throw error;
    process.stderr.write(`openwebui-github cannot start: ${(error as Error).message}\n`);
    process.exit(exitCode);
  }
}
