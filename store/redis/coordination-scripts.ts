/**
 * Locks, the comment budget and runs. Keys (P is the prefix):
 * - P:lock:<name>   hash: owner and expiresAt (client clock); Redis drops the key
 *                   a minute after it lapsed, only to tidy up
 * - P:writes:<budget>      zset of one comment budget's slots: member a slot number, score when taken
 * - P:writes:<budget>:seq  slot counter, also the budget's version: a slot is appended
 *                   only if nobody appended since it was read (see redis-coordination.ts)
 * - P:budgets       set of the budgets' names, for retention to trim every one (P:writes,
 *                   the one budget before there were names, is trimmed until it is gone)
 * - P:pace:<name>  the next free turn of a shared pace (client clock)
 * - P:run:<chat>    hash per run; the delivery's hash names the run that commented
 *                   (commentChat) and the run whose answer is kept (answerChat)
 * - P:thread:<thread>  hash per `comment: update` thread: commentId, commentUrl, and the newest
 *                   delivery that started a run on it (newestKey, newestId, newestAt)
 * - P:epoch:<name>  a number that only grows (INCR); absent means 0
 * - P:runs:chats    zset of the runs whose Open WebUI chat is still there, by
 *                   when the run was added (chat retention; runs added before it
 *                   existed are not in it)
 */
export const coordinationScripts = {
  /** ARGV[3] name, [4] owner, [5] ttl ms. 1 when taken (or renewed by its owner). */
  tryLock: `
local key = P .. ':lock:' .. ARGV[3]
local held = redis.call('HMGET', key, 'owner', 'expiresAt')
if held[1] and held[1] ~= ARGV[4] and tonumber(held[2]) >= now then return 0 end
redis.call('HSET', key, 'owner', ARGV[4], 'expiresAt', now + tonumber(ARGV[5]))
redis.call('PEXPIRE', key, tonumber(ARGV[5]) + 60000)
return 1
`,

  /** ARGV[3] name, [4] owner. Only the holder's own lock is removed. */
  unlock: `
local key = P .. ':lock:' .. ARGV[3]
if redis.call('HGET', key, 'owner') == ARGV[4] then redis.call('DEL', key) end
return 1
`,

  /** ARGV[3] budget, [4] span ms. The budget's version, then the times of the slots taken in the span, oldest first. */
  readWrites: `
local key = P .. ':writes:' .. ARGV[3]
local out = { redis.call('GET', key .. ':seq') or '0' }
local slots = redis.call('ZRANGEBYSCORE', key, '(' .. (now - tonumber(ARGV[4])), '+inf', 'WITHSCORES')
for i = 2, #slots, 2 do out[#out + 1] = slots[i] end
return out
`,

  /** ARGV[3] budget, [4] the version read, [5] span ms. 1 when the slot was taken, 0 when someone took one since. */
  appendWrite: `
local key = P .. ':writes:' .. ARGV[3]
if (redis.call('GET', key .. ':seq') or '0') ~= ARGV[4] then return 0 end
redis.call('ZADD', key, now, redis.call('INCR', key .. ':seq'))
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - tonumber(ARGV[5]))
redis.call('SADD', P .. ':budgets', ARGV[3])
return 1
`,

  /** ARGV[3] name. The epoch, 0 when never advanced. */
  readEpoch: `return tonumber(redis.call('GET', P .. ':epoch:' .. ARGV[3]) or '0')`,

  /** ARGV[3] name. The epoch after adding one. */
  advanceEpoch: `return redis.call('INCR', P .. ':epoch:' .. ARGV[3])`,

  /** ARGV[3] pace name, [4] gap ms. How long to wait for the turn just taken. */
  takeTurn: `
local key = P .. ':pace:' .. ARGV[3]
local start = math.max(now, tonumber(redis.call('GET', key) or now))
redis.call('SET', key, start + tonumber(ARGV[4]), 'PX', start - now + tonumber(ARGV[4]) + 60000)
return start - now
`,

  /** ARGV[3] the run as JSON. Also links the run's chat to its delivery. */
  addRun: `
local r = cjson.decode(ARGV[3])
local key = P .. ':run:' .. r.chatId
if redis.call('EXISTS', key) == 1 then return redis.error_reply('run ' .. r.chatId .. ' exists already') end
if redis.call('EXISTS', dkey(r.deliveryKey)) == 0 then return redis.error_reply('no delivery ' .. r.deliveryKey .. ' for run ' .. r.chatId) end
redis.call('HSET', key, 'chatId', r.chatId, 'deliveryKey', r.deliveryKey, 'deliveryId', r.deliveryId, 'owner', r.owner, 'repo', r.repo,
  'issueNumber', r.issueNumber, 'messageId', r.messageId, 'createdAt', now)
local earlier = redis.call('HGET', dkey(r.deliveryKey), 'runChats')
-- runChats: every run's chat, for retention to delete them all with the delivery.
redis.call('HSET', dkey(r.deliveryKey), 'chatId', r.chatId, 'runChats', earlier and (earlier .. ' ' .. r.chatId) or r.chatId)
redis.call('ZADD', P .. ':runs:chats', now, r.chatId)
if type(r.userId) == 'string' then redis.call('HSET', key, 'userId', r.userId) end
-- The rule comes as JSON text: cjson would turn its empty lists into objects.
if type(r.rule) == 'string' then redis.call('HSET', key, 'rule', r.rule) end
if type(r.reviewCommentId) == 'number' then redis.call('HSET', key, 'reviewCommentId', r.reviewCommentId) end
if type(r.askedBy) == 'string' then redis.call('HSET', key, 'askedBy', r.askedBy) end
return 1
`,

  /** ARGV[3] chat id. The run's hash, with `live` computed as on SQLite (see RunRecord.live); empty without one. */
  getRun: `
local run = redis.call('HGETALL', P .. ':run:' .. ARGV[3])
if #run == 0 then return run end
local f = {}
for i = 1, #run, 2 do f[run[i]] = run[i + 1] end
local d = redis.call('HMGET', dkey(f.deliveryKey), 'status', 'chatId')
local going = d[1] == 'pending' or d[1] == 'running'
run[#run + 1] = 'live'
run[#run + 1] = (not f.finishedAt and going and d[2] == ARGV[3]) and '1' or '0'
return run
`,

  /** ARGV[3] chat id. Marks the run over, once. */
  finishRun: `
local key = P .. ':run:' .. ARGV[3]
if redis.call('EXISTS', key) == 1 then redis.call('HSETNX', key, 'finishedAt', now) end
return 1
`,

  /** ARGV[3] chat id, [4] comment id, [5] comment URL. */
  setRunComment: `
local key = P .. ':run:' .. ARGV[3]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HSET', key, 'commentId', ARGV[4], 'commentUrl', ARGV[5])
local delivery = dkey(redis.call('HGET', key, 'deliveryKey'))
if redis.call('EXISTS', delivery) == 1 then redis.call('HSET', delivery, 'commentChat', ARGV[3]) end
return 1
`,

  /** ARGV[3] chat id, [4] a field of what the run wrote (commentsPosted, labelsAdded), [5] its value. */
  setRunField: `
local key = P .. ':run:' .. ARGV[3]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HSET', key, ARGV[4], ARGV[5])
return 1
`,

  /** ARGV[3] chat id, [4] the model's answer. */
  keepRunAnswer: `
local key = P .. ':run:' .. ARGV[3]
if redis.call('EXISTS', key) == 0 then return 0 end
redis.call('HSET', key, 'answer', ARGV[4])
local delivery = dkey(redis.call('HGET', key, 'deliveryKey'))
if redis.call('EXISTS', delivery) == 1 then redis.call('HSET', delivery, 'answerChat', ARGV[3]) end
return 1
`,

  /** ARGV[3] thread, [4] delivery key, [5] delivery id, [6] received at. The thread's newest after the claim (RunStore.claimThread). */
  claimThread: `
local key = P .. ':thread:' .. ARGV[3]
local held = redis.call('HMGET', key, 'newestKey', 'newestId', 'newestAt')
local at = tonumber(ARGV[6])
if held[1] and (tonumber(held[3]) > at or (tonumber(held[3]) == at and held[1] >= ARGV[4])) then return held end
redis.call('HSET', key, 'newestKey', ARGV[4], 'newestId', ARGV[5], 'newestAt', ARGV[6])
return { ARGV[4], ARGV[5], ARGV[6] }
`,

  /** ARGV[3] delivery key, [4] the delivery's field naming a run, [5..] that run's fields; nil without one. */
  deliveryRunField: `
local chat = redis.call('HGET', dkey(ARGV[3]), ARGV[4])
if not chat then return nil end
return redis.call('HMGET', P .. ':run:' .. chat, unpack(ARGV, 5))
`,
};
