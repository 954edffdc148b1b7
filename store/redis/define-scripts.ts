import type { Redis } from "ioredis";

/**
 * Every script starts with this: ARGV[1] is the key prefix, ARGV[2] the
 * client's clock in ms (so that the lease model can be tested with an
 * injected clock, and means the same as on SQLite; replicas need synchronised
 * clocks). Keys are built inside the scripts from the prefix: that ties the
 * store to one Redis primary (no Cluster), which is what it is for.
 */
const prelude = `
local P = ARGV[1]
local now = tonumber(ARGV[2])
local function dkey(k) return P .. ':d:' .. k end
local function record(k) return redis.call('HGETALL', dkey(k)) end
`;

export interface RunScript {
  (name: string, ...args: Array<string | number>): Promise<unknown>;
  /** The same at a given time, for steps that must agree on one clock reading. */
  at(time: number, name: string, ...args: Array<string | number>): Promise<unknown>;
}

/**
 * Registers the scripts on the connection (ioredis sends EVALSHA, and the
 * script itself only when Redis answers NOSCRIPT) and answers a caller that
 * passes the prefix and the time first.
 */
export function defineScripts(
  redis: Redis,
  prefix: string,
  now: () => number,
  scripts: Record<string, string>,
): RunScript {
  for (const [name, lua] of Object.entries(scripts)) redis.defineCommand(name, { numberOfKeys: 0, lua: prelude + lua });
  const commands = redis as unknown as Record<string, (...args: Array<string | number>) => Promise<unknown>>;
  const at = (time: number, name: string, ...args: Array<string | number>) => {
    const command = commands[name];
    if (!command || !(name in scripts)) throw new Error(`no Redis script ${name}`);
    return command.call(redis, prefix, time, ...args);
  };
  return Object.assign((name: string, ...args: Array<string | number>) => at(now(), name, ...args), { at });
}
