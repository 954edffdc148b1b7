import { pruneObservations } from "./observation-scripts.ts";

/**
 * The delivery log and its queue, each change one script, so that a change
 * and every index it touches happen together or not at all, across replicas.
 * Keys (P is the prefix):
 * - P:d:<key>      hash, one delivery (its DeliveryRecord fields, plus seq: its
 *                  receipt number, token and leaseUntil while leased, and
 *                  runChats: its runs' chat ids, space-separated)
 * - P:seq          counter giving each stored delivery its receipt number
 * - P:guid:<guid>  the key of the newest delivery with that GUID
 * - P:all          zset of every key by receipt number (lists, newest first)
 * - P:status:<s>   zset per status, by receipt number: lists by status, and
 *                  counts (ZCARD), kept by the same scripts that change a status
 * - P:ready        zset of keys to claim now, by receipt number (oldest first)
 * - P:delayed      zset of pending keys due later, by when they are due
 * - P:leased       zset of leased keys, by lease expiry
 * - P:ruleRuns     hash, per rule and thread (<turn>:key, <turn>:at): the delivery whose run
 *                  started last there, and when (rules' cooldowns)
 */
const statusHelpers = `
local function setStatus(k, from, to)
  if from == to then return end
  if from then redis.call('ZREM', P .. ':status:' .. from, k) end
  redis.call('ZADD', P .. ':status:' .. to, redis.call('HGET', dkey(k), 'seq'), k)
  redis.call('HSET', dkey(k), 'status', to)
end
local function unqueue(k)
  for _, q in ipairs({ 'ready', 'delayed', 'leased' }) do redis.call('ZREM', P .. ':' .. q, k) end
end
local function ready(k) redis.call('ZADD', P .. ':ready', redis.call('HGET', dkey(k), 'seq'), k) end
`;

export const deliveryScripts = {
  /**
   * ARGV[3] key, [4] GUID, [5] status (pending or ignored), then field/value
   * pairs. 1 when stored (and queued when pending), 0 when the key was there.
   */
  add: `${statusHelpers}
local k = ARGV[3]
if redis.call('EXISTS', dkey(k)) == 1 then return 0 end
local seq = redis.call('INCR', P .. ':seq')
redis.call('HSET', dkey(k), 'key', k, 'deliveryId', ARGV[4], 'seq', seq, 'attempts', 0, 'receivedAt', now, 'updatedAt', now, unpack(ARGV, 6))
setStatus(k, false, ARGV[5])
redis.call('ZADD', P .. ':all', seq, k)
redis.call('SET', P .. ':guid:' .. ARGV[4], k)
if ARGV[5] == 'pending' then ready(k) end
return 1
`,

  /**
   * ARGV[3] lease ms, [4] the new token. Moves what came due (retries, lapsed
   * leases) to the ready set, then leases the oldest received there.
   */
  claim: `${statusHelpers}
for _, q in ipairs({ 'delayed', 'leased' }) do
  local bound = q == 'delayed' and now or ('(' .. now)
  for _, k in ipairs(redis.call('ZRANGEBYSCORE', P .. ':' .. q, '-inf', bound, 'LIMIT', 0, 100)) do
    redis.call('ZREM', P .. ':' .. q, k)
    ready(k)
  end
end
local k = redis.call('ZRANGE', P .. ':ready', 0, 0)[1]
if not k then return false end
redis.call('ZREM', P .. ':ready', k)
setStatus(k, redis.call('HGET', dkey(k), 'status'), 'running')
local untilAt = now + tonumber(ARGV[3])
redis.call('HINCRBY', dkey(k), 'attempts', 1)
redis.call('HSET', dkey(k), 'token', ARGV[4], 'leaseUntil', untilAt, 'startedAt', now, 'updatedAt', now)
redis.call('HDEL', dkey(k), 'finishedAt')
redis.call('ZADD', P .. ':leased', untilAt, k)
return record(k)
`,

  /** ARGV[3] key, [4] token, [5] lease ms. 1 when the token is the current one and the lease was extended. */
  renew: `
local k = ARGV[3]
local held = redis.call('HMGET', dkey(k), 'status', 'token')
if held[1] ~= 'running' or held[2] ~= ARGV[4] then return 0 end
local untilAt = now + tonumber(ARGV[5])
redis.call('HSET', dkey(k), 'leaseUntil', untilAt)
redis.call('ZREM', P .. ':ready', k)
redis.call('ZADD', P .. ':leased', untilAt, k)
return 1
`,

  /**
   * Ends a lease (finish, retry, defer, release): ARGV[3] key, [4] token,
   * [5] the new status, [6] where it goes: ready, delayed or nowhere (''),
   * [7] when it is due if delayed, [8] '-1' to take the attempt back,
   * [9] '1' to cut the payload down to what the deliveries page shows (its
   * issue's title and link), [10] n, then n fields to delete, then
   * field/value pairs to set. 0, and nothing changed, unless the token is the
   * current one.
   */
  endLease: `${statusHelpers}
local k = ARGV[3]
local h = dkey(k)
local held = redis.call('HMGET', h, 'status', 'token')
if held[1] ~= 'running' or held[2] ~= ARGV[4] then return 0 end
unqueue(k)
setStatus(k, 'running', ARGV[5])
local n = tonumber(ARGV[10])
redis.call('HDEL', h, 'token', 'leaseUntil', unpack(ARGV, 11, 10 + n))
if #ARGV > 10 + n then redis.call('HSET', h, unpack(ARGV, 11 + n)) end
if ARGV[9] == '1' then
  local text = redis.call('HGET', h, 'payload')
  if text then
    local ok, doc = pcall(cjson.decode, text)
    local thread = ok and type(doc) == 'table' and (type(doc.pull_request) == 'table' and doc.pull_request or doc.issue)
    local issue = type(thread) == 'table' and thread or {}
    redis.call('HSET', h, 'payload', cjson.encode({ issue = { title = issue.title, html_url = issue.html_url } }))
  end
end
if ARGV[8] == '-1' and tonumber(redis.call('HGET', h, 'attempts')) > 0 then redis.call('HINCRBY', h, 'attempts', -1) end
if ARGV[6] == 'ready' then ready(k) elseif ARGV[6] == 'delayed' then redis.call('ZADD', P .. ':delayed', ARGV[7], k) end
return 1
`,

  /** ARGV[3] key. Queues a failed or dead delivery again with fresh attempts; false when there is none. */
  replay: `${statusHelpers}
local k = ARGV[3]
local status = redis.call('HGET', dkey(k), 'status')
if status ~= 'failed' and status ~= 'dead' then return false end
setStatus(k, status, 'pending')
redis.call('HSET', dkey(k), 'attempts', 0, 'updatedAt', now)
redis.call('HDEL', dkey(k), 'nextAttemptAt', 'reason')
ready(k)
return record(k)
`,

  /** ARGV[3] status or '' for all, [4] limit (at least 1). Newest first. */
  list: `
local index = ARGV[3] == '' and (P .. ':all') or (P .. ':status:' .. ARGV[3])
local out = {}
for _, k in ipairs(redis.call('ZREVRANGE', index, 0, tonumber(ARGV[4]) - 1)) do out[#out + 1] = record(k) end
return out
`,

  /** ARGV[3] GUID. */
  findByGuid: `
local k = redis.call('GET', P .. ':guid:' .. ARGV[3])
if not k then return false end
return record(k)
`,

  /**
   * ARGV[3] batch size, [4] done and ignored deliveries changed before this
   * go, [5] failed and dead ones. Walks each finished status's index oldest
   * received first, deleting each delivery past its time: its hash, index
   * entries, GUID key (when it still names it) and runs. A delivery's last
   * change mostly comes soon after its receipt, so the walk is by age; it
   * steps over up to 100 still young (a replay made them young again) and
   * stops at the next. Then trims the spent comment slots of every budget. Returns deleted, runs deleted.
   */
  /**
   * ARGV[3] turn (a rule on one thread), [4] delivery key, [5] cooldown in ms: the start of
   * another delivery's run there within the cooldown (nothing changes), else nil and this one's
   * start is recorded (DeliveryLog.startRuleRun).
   */
  startRuleRun: `
local turns = P .. ':ruleRuns'
local last = redis.call('HMGET', turns, ARGV[3] .. ':key', ARGV[3] .. ':at')
if last[1] == ARGV[4] then return nil end
if last[1] and now - tonumber(last[2]) < tonumber(ARGV[5]) then return last[2] end
redis.call('HSET', turns, ARGV[3] .. ':key', ARGV[4], ARGV[3] .. ':at', now)
return nil
`,
  prune: `
local deleted, runs = 0, 0
local function drop(k, index, guid, chats)
  if guid and redis.call('GET', P .. ':guid:' .. guid) == k then redis.call('DEL', P .. ':guid:' .. guid) end
  for chat in string.gmatch(chats or '', '%S+') do
    runs = runs + redis.call('DEL', P .. ':run:' .. chat)
    redis.call('ZREM', P .. ':runs:chats', chat)
  end
  redis.call('DEL', dkey(k))
  redis.call('DEL', P .. ':obs:d:' .. k)
  redis.call('ZREM', index, k)
  redis.call('ZREM', P .. ':all', k)
  deleted = deleted + 1
end
local left = tonumber(ARGV[3])
for _, s in ipairs({ 'done', 'ignored', 'failed', 'dead' }) do
  local before = (s == 'failed' or s == 'dead') and tonumber(ARGV[5]) or tonumber(ARGV[4])
  local index = P .. ':status:' .. s
  local young = 0
  for _, k in ipairs(redis.call('ZRANGE', index, 0, left + 99)) do
    if left <= 0 or young > 100 then break end
    local f = redis.call('HMGET', dkey(k), 'updatedAt', 'deliveryId', 'runChats', 'chatId')
    if (tonumber(f[1]) or 0) >= before then
      young = young + 1
    else
      drop(k, index, f[2], f[3] or f[4])
      left = left - 1
    end
  end
end
redis.call('ZREMRANGEBYSCORE', P .. ':writes', '-inf', '(' .. ARGV[4])
for _, budget in ipairs(redis.call('SMEMBERS', P .. ':budgets')) do
  redis.call('ZREMRANGEBYSCORE', P .. ':writes:' .. budget, '-inf', '(' .. ARGV[4])
end
${pruneObservations}
return { deleted, runs }
`,

  /** ARGV[3..] statuses: how many deliveries are in each. */
  counts: `
local out = {}
for i = 3, #ARGV do out[#out + 1] = redis.call('ZCARD', P .. ':status:' .. ARGV[i]) end
return out
`,
};
