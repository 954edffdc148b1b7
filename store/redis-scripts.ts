/**
 * The Redis store's operations, one Lua script each, so that every change of
 * a delivery (its record, the queue and the status indexes) is atomic across
 * replicas. Keys are built inside the scripts from the prefix (ARGV[1]); that
 * ties the store to one Redis primary (no Cluster), which is what it is for.
 *
 * ARGV[2] is the time in ms, or "" for Redis's own clock, so that replicas on
 * machines with skewed clocks still agree on leases and write windows.
 *
 * Keys: <p>:d:<key> hash per delivery; <p>:id:<guid> set of keys with that
 * GUID; <p>:pending zset (score: when claimable); <p>:running zset (score:
 * lease end); <p>:s:<status> and <p>:all zsets (score: received) for lists
 * and counts; <p>:run:<chat> hash per run; <p>:lock:<name>; <p>:writes zset
 * of comment slots; <p>:alive:<owner> a replica's heartbeat.
 */
const prelude = `
local P = ARGV[1]
local function clock()
  if ARGV[2] ~= '' then return tonumber(ARGV[2]) end
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local t = clock()
local function dkey(k) return P .. ':d:' .. k end
local function reindex(k, from, to)
  local received = redis.call('HGET', dkey(k), 'received_at')
  if from then redis.call('ZREM', P .. ':s:' .. from, k) end
  redis.call('ZADD', P .. ':s:' .. to, received, k)
end
local function dequeue(k)
  redis.call('ZREM', P .. ':pending', k)
  redis.call('ZREM', P .. ':running', k)
end
local function alive(owner)
  return owner and redis.call('EXISTS', P .. ':alive:' .. owner) == 1
end
local function requeue(k, at)
  local d = dkey(k)
  reindex(k, redis.call('HGET', d, 'status'), 'pending')
  dequeue(k)
  redis.call('ZADD', P .. ':pending', at, k)
  redis.call('HSET', d, 'status', 'pending', 'updated_at', t)
  redis.call('HDEL', d, 'lease_until', 'owner')
end
`;

function script(body: string) {
  return prelude + body;
}

export const redisScripts = {
  /**
   * ARGV[3]: the new delivery as JSON without its payload, ARGV[4]: the payload or "".
   * 1 when stored, 0 when the key was seen before. The payload travels apart: escaping
   * and decoding a large body inside JSON cost the acknowledgement path measurably.
   */
  addDelivery: script(`
local r = cjson.decode(ARGV[3])
if ARGV[4] ~= '' then r.payload = ARGV[4] end
local d = dkey(r.key)
if redis.call('EXISTS', d) == 1 then return 0 end
local fields = { 'key', r.key, 'delivery_id', r.deliveryId, 'event', r.event, 'status', r.status, 'attempts', 0, 'received_at', t, 'updated_at', t }
local optional = { action = 'action', reason = 'reason', repository = 'repository', issueNumber = 'issue_number', payload = 'payload' }
for from, to in pairs(optional) do
  if r[from] ~= nil and r[from] ~= cjson.null then
    table.insert(fields, to)
    table.insert(fields, r[from])
  end
end
redis.call('HSET', d, unpack(fields))
redis.call('SADD', P .. ':id:' .. r.deliveryId, r.key)
redis.call('ZADD', P .. ':all', t, r.key)
reindex(r.key, nil, r.status)
if r.status == 'pending' then redis.call('ZADD', P .. ':pending', t, r.key) end
return 1
`),

  /** ARGV[3]: GUID. The newest delivery with it, as HGETALL, or nil. */
  getDeliveryById: script(`
local best, bestAt
for _, k in ipairs(redis.call('SMEMBERS', P .. ':id:' .. ARGV[3])) do
  local at = tonumber(redis.call('HGET', dkey(k), 'received_at'))
  if at and (not bestAt or at > bestAt) then best, bestAt = k, at end
end
if not best then return false end
return redis.call('HGETALL', dkey(best))
`),

  /**
   * ARGV[3]: lease ms, ARGV[4]: owner. Takes, in this order, a delivery whose
   * lease ran out, one leased by a replica that stopped sending heartbeats
   * (killed: its lease may be long), or the pending one claimable first.
   */
  claimDelivery: script(`
local k
local expired = redis.call('ZRANGEBYSCORE', P .. ':running', '-inf', '(' .. t, 'LIMIT', 0, 1)
if #expired > 0 then k = expired[1] end
if not k then
  for _, r in ipairs(redis.call('ZRANGE', P .. ':running', 0, 499)) do
    if not alive(redis.call('HGET', dkey(r), 'owner')) then k = r break end
  end
end
if not k then
  local ready = redis.call('ZRANGEBYSCORE', P .. ':pending', '-inf', t, 'LIMIT', 0, 1)
  if #ready > 0 then k = ready[1] end
end
if not k then return false end
local d = dkey(k)
local leaseUntil = t + tonumber(ARGV[3])
reindex(k, redis.call('HGET', d, 'status'), 'running')
dequeue(k)
redis.call('ZADD', P .. ':running', leaseUntil, k)
redis.call('HINCRBY', d, 'attempts', 1)
redis.call('HSET', d, 'status', 'running', 'lease_until', leaseUntil, 'updated_at', t, 'owner', ARGV[4], 'started_at', t)
redis.call('HDEL', d, 'finished_at')
return redis.call('HGETALL', d)
`),

  /** ARGV[3]: key, ARGV[4]: outcome as JSON. */
  finishDelivery: script(`
local k = ARGV[3]
local d = dkey(k)
if redis.call('EXISTS', d) == 0 then return 0 end
local o = cjson.decode(ARGV[4])
reindex(k, redis.call('HGET', d, 'status'), o.status)
dequeue(k)
redis.call('HSET', d, 'status', o.status, 'updated_at', t, 'finished_at', t)
redis.call('HDEL', d, 'lease_until', 'next_attempt_at', 'owner')
local hasReason = o.reason ~= nil and o.reason ~= cjson.null
if hasReason then redis.call('HSET', d, 'reason', o.reason) else redis.call('HDEL', d, 'reason') end
if o.commentUrl ~= nil and o.commentUrl ~= cjson.null then redis.call('HSET', d, 'comment_url', o.commentUrl) end
if o.status == 'failed' or o.status == 'dead' then
  if hasReason then redis.call('HSET', d, 'last_error', o.reason) else redis.call('HDEL', d, 'last_error') end
end
return 1
`),

  /** ARGV[3]: key, ARGV[4]: error, ARGV[5]: not before (ms). */
  retryDelivery: script(`
local k = ARGV[3]
if redis.call('EXISTS', dkey(k)) == 0 then return 0 end
requeue(k, tonumber(ARGV[5]))
redis.call('HSET', dkey(k), 'last_error', ARGV[4], 'next_attempt_at', ARGV[5])
return 1
`),

  /** ARGV[3]: key, ARGV[4]: not before (ms). The claim that led here is not counted. */
  deferDelivery: script(`
local k = ARGV[3]
local d = dkey(k)
if redis.call('EXISTS', d) == 0 then return 0 end
requeue(k, tonumber(ARGV[4]))
local attempts = tonumber(redis.call('HGET', d, 'attempts')) or 0
redis.call('HSET', d, 'attempts', math.max(attempts - 1, 0), 'next_attempt_at', ARGV[4])
return 1
`),

  /** ARGV[3]: GUID or key. The newest failed or dead delivery with it, queued again, as HGETALL. */
  replayDelivery: script(`
local candidates = redis.call('SMEMBERS', P .. ':id:' .. ARGV[3])
if redis.call('EXISTS', dkey(ARGV[3])) == 1 then table.insert(candidates, ARGV[3]) end
local best, bestAt
for _, k in ipairs(candidates) do
  local status = redis.call('HGET', dkey(k), 'status')
  local at = tonumber(redis.call('HGET', dkey(k), 'received_at'))
  if (status == 'failed' or status == 'dead') and (not bestAt or at > bestAt) then best, bestAt = k, at end
end
if not best then return false end
requeue(best, t)
redis.call('HSET', dkey(best), 'attempts', 0)
redis.call('HDEL', dkey(best), 'next_attempt_at', 'reason')
return redis.call('HGETALL', dkey(best))
`),

  /**
   * ARGV[3]: owner. Puts back what this replica holds and what replicas that
   * stopped sending heartbeats held; never what a live replica is running.
   */
  releaseRunning: script(`
local released = 0
for _, k in ipairs(redis.call('ZRANGE', P .. ':running', 0, -1)) do
  local owner = redis.call('HGET', dkey(k), 'owner')
  if owner == ARGV[3] or not alive(owner) then
    requeue(k, tonumber(redis.call('HGET', dkey(k), 'received_at')))
    released = released + 1
  end
end
return released
`),

  /** ARGV[3]: key. */
  releaseDelivery: script(`
local k = ARGV[3]
if redis.call('HGET', dkey(k), 'status') ~= 'running' then return 0 end
requeue(k, tonumber(redis.call('HGET', dkey(k), 'received_at')))
return 1
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

  /** ARGV[3]: the run as JSON. */
  addRun: script(`
local r = cjson.decode(ARGV[3])
local key = P .. ':run:' .. r.chatId
if redis.call('EXISTS', key) == 1 then return redis.error_reply('run ' .. r.chatId .. ' exists already') end
if redis.call('EXISTS', dkey(r.deliveryKey)) == 0 then return redis.error_reply('no delivery ' .. r.deliveryKey .. ' for run ' .. r.chatId) end
redis.call('HSET', key, 'chat_id', r.chatId, 'delivery_key', r.deliveryKey, 'delivery_id', r.deliveryId, 'owner', r.owner, 'repo', r.repo, 'issue_number', r.issueNumber, 'message_id', r.messageId, 'created_at', t)
redis.call('HSET', dkey(r.deliveryKey), 'chat_id', r.chatId)
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
