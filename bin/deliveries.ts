// `npm run deliveries -- list [--status dead]` and `npm run deliveries -- replay <delivery-id>`.
// Works on the store (DATA_DIR, or Redis with REDIS_URL) directly, also while the relay runs; the relay takes
// a replayed delivery on its next look at the queue (RELAY_POLL_INTERVAL_MS, 5 s by default).
import { optionalText, readEnvFields, throwProblems } from "../config/env-fields.ts";
import { readRedisConfig } from "../config/read-redis-config.ts";
import { silentLogger } from "../lib/logger.ts";
import type { DeliveryStatus } from "../store/delivery-log.ts";
import { replayDelivery } from "../relay/replay-delivery.ts";
import { deliveryView } from "../relay/admin-api.ts";
import { configOrExit, loadDotEnv, startOrExit } from "./environment.ts";
import { openRelayStores } from "../deployment/open-deployment-store.ts";

loadDotEnv();
const [command, ...rest] = process.argv.slice(2);
const usage =
  "usage: npm run deliveries -- list [--status pending|running|done|failed|ignored|dead] [--limit N]\n       npm run deliveries -- replay <delivery-id>\n";
const [storeConfig] = configOrExit(() => {
  const { values, problems } = readEnvFields(process.env, { dataDir: optionalText("DATA_DIR", "./data") });
  const { redis, problems: redisProblems } = readRedisConfig(process.env);
  throwProblems([...problems, ...redisProblems]);
  return { dataDir: values.dataDir, redis };
});
const { deliveries: log, close } = await startOrExit(openRelayStores(storeConfig!, silentLogger));

try {
  if (command === "list") {
    const status = rest.includes("--status") ? rest[rest.indexOf("--status") + 1] : undefined;
    const limit = rest.includes("--limit") ? Number(rest[rest.indexOf("--limit") + 1]) : 50;
    if (!Number.isSafeInteger(limit) || limit < 1) throw new Error("--limit must be a whole number");
    const deliveries = await log.list({ ...(status ? { status: status as DeliveryStatus } : {}), limit });
    for (const d of deliveries.map(deliveryView)) {
      process.stdout.write(
        `${d.deliveryId}  ${d.status.padEnd(7)}  ${d.event}${d.action ? `.${d.action}` : ""}  ${d.repository ?? ""}${d.issueNumber ? `#${d.issueNumber}` : ""}  attempts ${d.attempts}  ${d.commentUrl ?? d.lastError ?? d.reason ?? ""}\n`,
      );
    }
    if (deliveries.length === 0) process.stdout.write("no deliveries\n");
  } else if (command === "replay" && rest[0]) {
    // By GUID (the newest delivery with it), or by store key: the same refusals as the page and the API.
    await replayDelivery(log, rest[0]);
    process.stdout.write(
      `delivery ${rest[0]} queued again; the relay takes it at its next look at the queue (RELAY_POLL_INTERVAL_MS)\n`,
    );
  } else {
    process.stderr.write(usage);
    process.exitCode = 2;
  }
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exitCode = 1;
} finally {
  await close();
}
