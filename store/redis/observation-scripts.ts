/**
 * Observe mode's recordings (store/observation-store.ts). Keys (P is the prefix):
 * - P:obs:d:<delivery key>  list of the delivery's observations, as JSON, oldest first
 * - P:obs:t:<thread>        set when an observed run recorded anything for the issue
 * - P:obs:labels            zset of the observations that recorded labels, by when (JSON members,
 *                           each with its own id so two alike stay two)
 * - P:obs:ch:<thread>       hash of people's label changes on the issue: field `<delivery id> <label>`
 */
export const observationScripts = {
  /** ARGV[3] delivery key, [4] thread, [5] the observation as JSON, [6] 1 when it recorded labels. */
  recordObservation: `
redis.call('RPUSH', P .. ':obs:d:' .. ARGV[3], ARGV[5])
redis.call('SET', P .. ':obs:t:' .. ARGV[4], '1')
if ARGV[6] == '1' then redis.call('ZADD', P .. ':obs:labels', now, ARGV[5]) end
return 1
`,
  /** ARGV[3] thread, [4] field, [5] the change as JSON. Kept once per field. */
  recordLabelChange: `
return redis.call('HSETNX', P .. ':obs:ch:' .. ARGV[3], ARGV[4], ARGV[5])
`,
};
