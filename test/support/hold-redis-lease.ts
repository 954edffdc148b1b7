/**
 * A relay replica that claims one delivery and keeps its lease alive, for a
 * test to kill: `node --import tsx hold-redis-lease.ts <redis url> <prefix> <lease ms>`.
 * Prints "claimed <key>" once it holds it, then renews every third of the lease until killed.
 */
import { openRedisRelayStores } from "../../store/redis/open-redis-stores.ts";

const [url, prefix, lease] = process.argv.slice(2);
const leaseMs = Number(lease);
const stores = await openRedisRelayStores({
  url: url!,
  prefix: prefix!,
  connectTimeoutMs: 5_000,
  commandTimeoutMs: 5_000,
});
for (;;) {
  const claim = await stores.queue.claim(leaseMs);
  if (claim) {
    process.stdout.write(`claimed ${claim.lease.key}\n`);
    setInterval(() => void stores.queue.renew(claim.lease, leaseMs), Math.floor(leaseMs / 3));
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
