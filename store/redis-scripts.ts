/**
 * The Redis store's own scripts, beside BullMQ's. BullMQ owns the queue: each
 * delivery is a BullMQ job in the queue "deliveries" (see redis-store.ts).
 * These scripts do what BullMQ has no operation for, each atomic across
 * replicas: a delivery that is ignored from the start (stored straight into
 * the completed set, with the same existence check BullMQ's add makes, so
 * dedupe spans both kinds), finishing a delivery this process has not claimed
 * (the admin path), counting dead-lettered ones, and the state that is not
 * queue state: the comment budget, named locks and run records.
 *
 * ARGV[1] is the prefix, ARGV[2] the time in ms or "" for Redis's own clock,
 * so that replicas on machines with skewed clocks still agree on the comment
 * budget and lock expiry. Keys are built inside the scripts from the prefix:
 * that ties the store to one Redis primary (no Cluster), which is what it is for.
 *
 * Our keys: <p>:run:<chat> hash per run; <p>:lock:<name>; <p>:writes zset of
 * comment slots; <p>:id:<guid> set of delivery keys with that GUID; <p>:all
 * and <p>:ignored zsets (score: received) for lists and counts; <p>:payload:<job id>
 * the body of a delivery to work on. BullMQ's:
 * <p>:deliveries:<job id> the job hash, and its lists and sets beside it.
 */
const prelude = `
local P = ARGV[1]
local function clock()
  if ARGV[2] ~= '' then return tonumber(ARGV[2]) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local t = clock()
local Q = P .. ':deliveries:'
`;

function script(body: string) {
  return prelude + body;
}

export const redisScripts = {
  /**
   * ARGV[3]: job id, ARGV[4]: delivery key, ARGV[5]: GUID, ARGV[6]: job name,
   * ARGV[7]: job data (JSON), ARGV[8]: reason as JSON. 1 when stored, 0 when
   * the job id exists (pending or ignored). The job is written as BullMQ writes
   * a completed job, so BullMQ's getters and removal treat it as one.
   */
  addIgnored: script(`
local id = ARGV[3]
local job = Q .. id
if redis.call('EXISTS', job) == 1 then return 0 end
redis.call('HSET', job, 'name', ARGV[6], 'data', ARGV[7], 'opts', '{"attempts":1}', 'timestamp', t, 'delay', 0, 'priority', 0,
  'processedOn', t, 'finishedOn', t, 'returnvalue', 'null', 'atm', 0, 'ats', 0,
  'owg_status', 'ignored', 'owg_reason', ARGV[8], 'owg_finished_at', t, 'owg_updated_at', t)
redis.call('ZADD', Q .. 'completed', t, id)
redis.call('ZADD', P .. ':ignored', t, id)
redis.call('ZADD', P .. ':all', 'NX', t, ARGV[4])
redis.call('SADD', P .. ':id:' .. ARGV[5], ARGV[4])
return 1
`),

  /**
   * ARGV[3]: job id, ARGV[4]: "completed" or "failed", ARGV[5]: BullMQ's
   * failedReason ("" for none), then field/value pairs for the job hash.
   * Finishes a delivery this process holds no lock for, from whatever state it
   * is in (an operator marking it, tests): out of every list and set BullMQ
   * might keep it in, into the finished set. 0 when there is no such job.
   */
  finishUnheld: script(`
local id = ARGV[3]
local job = Q .. id
if redis.call('EXISTS', job) == 0 then return 0 end
for _, list in ipairs({ 'wait', 'paused', 'active' }) do redis.call('LREM', Q .. list, 0, id) end
for _, set in ipairs({ 'delayed', 'prioritized', 'completed', 'failed' }) do redis.call('ZREM', Q .. set, id) end
redis.call('SREM', Q .. 'stalled', id)
redis.call('DEL', job .. ':lock')
redis.call('ZADD', Q .. ARGV[4], t, id)
redis.call('HSET', job, 'finishedOn', t)
if ARGV[5] ~= '' then redis.call('HSET', job, 'failedReason', ARGV[5]) end
if #ARGV > 5 then redis.call('HSET', job, unpack(ARGV, 6)) end
return 1
`),

  /**
   * ARGV[3]: job id. The start of the job's data, where the nonce of the add that stored it is: enough to
   * tell whether an add inserted without sending the whole payload back.
   */
  jobDataHead: script(`
local data = redis.call('HGET', Q .. ARGV[3], 'data')
if not data then return false end
return string.sub(data, 1, 64)
`),

  /** How many jobs in BullMQ's failed set were dead-lettered (the rest failed permanently). */
  countDead: script(`
local dead = 0
for _, id in ipairs(redis.call('ZRANGE', Q .. 'failed', 0, -1)) do
  if redis.call('HGET', Q .. id, 'owg_status') == 'dead' then dead = dead + 1 end
end
return dead
`),

  /**
   * ARGV[3]: "1" to only look, then pairs of max and window ms. 0 when a slot
   * was taken (or is free), else the ms until one frees up.
   */
  reserveWrite: script(`
local key = P .. ':writes'
local longest = 0
for i = 4, #ARGV, 2 do longest = math.max(longest, tonumber(ARGV[i + 1])) end
redis.call('ZREMRANGEBYSCORE', key, '-inf', t - longest)
local wait = 0
for i = 4, #ARGV, 2 do
  local max, window = tonumber(ARGV[i]), tonumber(ARGV[i + 1])
  local nth = redis.call('ZREVRANGEBYSCORE', key, '+inf', '(' .. (t - window), 'WITHSCORES', 'LIMIT', max - 1, 1)
  if #nth > 0 then wait = math.max(wait, tonumber(nth[2]) + window - t + 1) end
end
if wait > 0 then return wait end
if ARGV[3] ~= '1' then redis.call('ZADD', key, t, t .. ':' .. redis.call('INCR', key .. ':seq')) end
return 0
`),

  /** ARGV[3]: name, ARGV[4]: owner, ARGV[5]: ttl ms. */
  tryLock: script(`
local key = P .. ':lock:' .. ARGV[3]
local holder = redis.call('GET', key)
if holder and holder ~= ARGV[4] then return 0 end
redis.call('SET', key, ARGV[4], 'PX', ARGV[5])
return 1
`),

  /** ARGV[3]: name, ARGV[4]: owner. Only the holder's own lock is removed. */
  unlock: script(`
local key = P .. ':lock:' .. ARGV[3]
if redis.call('GET', key) == ARGV[4] then redis.call('DEL', key) end
return 1
`),

  /** ARGV[3]: the run as JSON, ARGV[4]: its delivery's job id. */
  addRun: script(`
local r = cjson.decode(ARGV[3])
local key = P .. ':run:' .. r.chatId
local job = Q .. ARGV[4]
if redis.call('EXISTS', key) == 1 then return redis.error_reply('run ' .. r.chatId .. ' exists already') end
if redis.call('EXISTS', job) == 0 then return redis.error_reply('no delivery ' .. r.deliveryKey .. ' for run ' .. r.chatId) end
redis.call('HSET', key, 'chat_id', r.chatId, 'delivery_key', r.deliveryKey, 'delivery_id', r.deliveryId, 'owner', r.owner, 'repo', r.repo, 'issue_number', r.issueNumber, 'message_id', r.messageId, 'created_at', t)
redis.call('HSET', job, 'owg_chat_id', r.chatId)
return 1
`),

  /** ARGV[3]: chat id, ARGV[4]: comment id, ARGV[5]: comment URL. */
  setRunComment: script(`
local key = P .. ':run:' .. ARGV[3]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HSET', key, 'comment_id', ARGV[4], 'comment_url', ARGV[5])
return 1
`),
} as const;

export type RedisScriptName = keyof typeof redisScripts;
