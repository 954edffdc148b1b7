import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { threadOf, type LabelChange, type Observation, type ObservationStore } from "../observation-store.ts";
import type { RunScript } from "./define-scripts.ts";

/** Observe mode's recordings on Redis (keys and scripts: observation-scripts.ts). */
export function createRedisObservationStore(
  redis: Redis,
  prefix: string,
  run: RunScript,
  now: () => number,
): ObservationStore {
  const parse = <T>(json: string): T => JSON.parse(json) as T;
  const withoutId = ({ id: _id, ...observation }: Observation & { id?: string }): Observation => observation;
  return {
    async record(observation) {
      const at = now();
      const thread = threadOf(observation.owner, observation.repo, observation.issueNumber);
      const json = JSON.stringify({ ...observation, at, id: randomUUID() });
      const labelled = observation.labels.length > 0 ? 1 : 0;
      await run.at(at, "recordObservation", observation.deliveryKey, thread, json, labelled);
    },
    async ofDeliveries(keys) {
      const lists = await Promise.all(keys.map((key) => redis.lrange(`${prefix}:obs:d:${key}`, 0, -1)));
      return lists
        .flat()
        .map((json) => withoutId(parse(json)))
        .sort((a, b) => a.at - b.at);
    },
    async observed(owner, repo, issueNumber) {
      return (await redis.exists(`${prefix}:obs:t:${threadOf(owner, repo, issueNumber)}`)) === 1;
    },
    async recordLabelChange(change) {
      const thread = threadOf(change.owner, change.repo, change.issueNumber);
      await run("recordLabelChange", thread, `${change.deliveryId} ${change.label}`, JSON.stringify(change));
    },
    async labelHistory(since) {
      const members = await redis.zrangebyscore(`${prefix}:obs:labels`, since, "+inf");
      const observations = members.map((json) => withoutId(parse(json)));
      const threads = [...new Set(observations.map((o) => threadOf(o.owner, o.repo, o.issueNumber)))];
      const hashes = await Promise.all(threads.map((thread) => redis.hvals(`${prefix}:obs:ch:${thread}`)));
      const changes = hashes
        .flat()
        .map((json) => parse<LabelChange>(json))
        .sort((a, b) => a.at - b.at);
      return { observations, changes };
    },
  };
}
