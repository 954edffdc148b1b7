/**
 * A replica that claims one delivery and then does nothing, for a test to kill:
 * `node --import tsx claim-and-hold.ts <redis url> <prefix> <liveness ms>`.
 * Prints "claimed <key>" once it holds it; keeps renewing its lock until killed.
 */
import { createRedisStore } from "../../store/redis-store.ts";

const [url, prefix, liveness] = process.argv.slice(2);
const store = await createRedisStore({ url: url!, prefix: prefix!, connectTimeoutMs: 5_000, commandTimeoutMs: 5_000, livenessMs: Number(liveness) });
for (;;) {
  const claimed = await store.claimDelivery(600_000);
  if (claimed) {
    process.stdout.write(`claimed ${claimed.key}\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
// Stay alive (the store's timers are unref'd) until the test kills this process.
setInterval(() => {}, 60_000);
