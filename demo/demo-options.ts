export interface DemoOptions {
  /** Exit once the first run's comment is posted, instead of staying up for a person to look. */
  once: boolean;
  /** Open WebUI's port; a free one when not set. */
  openWebUIPort: number | undefined;
  /** How long the first run may take, from the delivery to its comment. */
  runTimeoutMs: number;
}

export const demoUsage =
  "usage: npm run demo [-- --once]   (or DEMO_ONCE=1; DEMO_OPENWEBUI_PORT picks Open WebUI's port)";

function integer(name: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new Error(`${name} must be a whole number from ${min} to ${max}, not "${value}"`);
  return Number(value);
}

/** Reads the demo's flags and variables strictly: anything unknown or malformed is an error naming it. */
export function demoOptions(args: readonly string[], env: NodeJS.ProcessEnv): DemoOptions {
  const unknown = args.filter((a) => a !== "--once");
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(" ")}\n${demoUsage}`);
  const onceVariable = env.DEMO_ONCE ?? "";
  if (!["", "0", "1"].includes(onceVariable)) throw new Error(`DEMO_ONCE must be 1 or 0, not "${onceVariable}"`);
  return {
    once: args.includes("--once") || onceVariable === "1",
    openWebUIPort: env.DEMO_OPENWEBUI_PORT
      ? integer("DEMO_OPENWEBUI_PORT", env.DEMO_OPENWEBUI_PORT, 1, 65_535)
      : undefined,
    runTimeoutMs: env.DEMO_RUN_TIMEOUT_S
      ? integer("DEMO_RUN_TIMEOUT_S", env.DEMO_RUN_TIMEOUT_S, 1, 3_600) * 1000
      : 180_000,
  };
}
