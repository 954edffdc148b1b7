/**
 * Observe mode's recordings (store/observation-store.ts). Keys (P is the prefix):
 * - P:obs:d:<delivery key>  list of the delivery's observations, as JSON, oldest first
 * - P:obs:t:<thread>        set when an observed run recorded anything for the issue
 * - P:obs:labels            zset of the observations that recorded labels, by when (JSON members,
 *                           each with its own id so two alike stay two)
 * - P:obs:ch:<thread>       hash of people's label changes on the issue: field `<delivery id> <label>`
 * - P:obs:threads           zset of those issues by their latest recording, for retention (delivery-scripts.ts prune)
 */
export const observationScripts = {
  /** ARGV[3] delivery key, [4] thread, [5] the observation as JSON, [6] 1 when it recorded labels. */
  recordObservation: `
redis.call('RPUSH', P .. ':obs:d:' .. ARGV[3], ARGV[5])
redis.call('SET', P .. ':obs:t:' .. ARGV[4], '1')
redis.call('ZADD', P .. ':obs:threads', now, ARGV[4])
if ARGV[6] == '1' then redis.call('ZADD', P .. ':obs:labels', now, ARGV[5]) end
return 1
`,
  /** ARGV[3] thread, [4] field, [5] the change as JSON. Kept once per field. */
  recordLabelChange: `
redis.call('ZADD', P .. ':obs:threads', now, ARGV[3])
return redis.call('HSETNX', P .. ':obs:ch:' .. ARGV[3], ARGV[4], ARGV[5])
`,
};

/**
 * Part of the delivery log's prune script (ARGV[3] batch size, [4] the done deliveries' cut-off):
 * observe mode's label history goes as old done deliveries do (their observations went with them).
 */
export const pruneObservations = `
redis.call('ZREMRANGEBYSCORE', P .. ':obs:labels', '-inf', '(' .. ARGV[4])
for _, t in ipairs(redis.call('ZRANGEBYSCORE', P .. ':obs:threads', '-inf', '(' .. ARGV[4], 'LIMIT', 0, tonumber(ARGV[3]))) do
  redis.call('DEL', P .. ':obs:t:' .. t, P .. ':obs:ch:' .. t)
  redis.call('ZREM', P .. ':obs:threads', t)
end
`;
