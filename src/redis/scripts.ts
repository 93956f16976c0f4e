import { createHash } from 'node:crypto';

/**
 * The Lua scripts of {@link RedisIdempotencyStore}: each step on a key is one script, so that it
 * is atomic across every replica sharing the Redis; every key one script touches shares a hash
 * slot (see key-layout.ts), so that it runs on Redis Cluster too. A key's record is one hash:
 *
 * | field | meaning |
 * |---|---|
 * | `s` | state: `r` running (claimed), `d` done (outcome stored), `l` lost (the claim lapsed before an outcome) |
 * | `f` | fingerprint of the call that claimed it |
 * | `o` | owner token of the running claim (store instance + claim number) |
 * | `e` | lease expiry of the running claim, ms on the Redis clock (`TIME`) |
 * | `a` | attempts seen |
 * | `w` | set once a duplicate waits: `complete` and `release` then publish the key |
 * | `v`, `t` | the outcome as JSON, and when it was stored |
 *
 * Times are Redis's own (`TIME`), so that replicas with skewed clocks agree on every lease.
 */

const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
`;

/**
 * `recovering_until(epochKey, recoveryMs, ttlMs)`: until when (ms) the key space recovers from a
 * memory loss. The epoch key is missing when Redis lost its memory (a restart without
 * persistence, a flush), on first use, or once it expired (it lives `ttlMs`, as the records do);
 * it is then set from Redis's uptime: up for less than `recoveryMs` means running claims may
 * have been wiped and their owners not yet re-asserted them; up for longer, nothing is recovering (0).
 */
const EPOCH = `local function recovering_until(key, recovery, ttl)
  local recovering = tonumber(redis.call('GET', key) or '-1')
  if recovering < 0 then
    local up = tonumber(string.match(redis.call('INFO', 'server'), 'uptime_in_seconds:(%d+)') or '0')
    recovering = now - up * 1000 + tonumber(recovery)
    if recovering <= now then recovering = 0 end
    redis.call('SET', key, recovering, 'PX', ttl)
  end
  return recovering
end
`;

/** A record whose fields are not the store's (a state of no known value, a missing fingerprint or lease). */
const MALFORMED = `local function malformed(state, fp, expiry, attempts)
  if state ~= 'r' and state ~= 'd' and state ~= 'l' then return 'state ' .. tostring(state) end
  if not fp then return 'no fingerprint' end
  if attempts and not tonumber(attempts) then return 'attempts ' .. attempts end
  if state == 'r' and not tonumber(expiry) then return 'a running claim without a lease' end
  return nil
end
`;

/**
 * KEYS: record, epoch. ARGV: fingerprint, token, leaseMs, ttlMs, recoveryMs, rerun ('1'/'0'),
 * lost tokens (space-separated, or '').
 *
 * While the key space recovers from a memory loss (see EPOCH), a key without a record is
 * refused (`recovering`, with the ms left): its claim may have been wiped, and its owner has not
 * re-asserted it yet. Never claimed twice.
 *
 * A lost token is a claim of this store whose reply never arrived (the connection reset after
 * the script ran): the tool did not run under it, so the store's retry takes it over (`claimed`)
 * instead of waiting for it, or finding it lapsed (`unknown`). A record that is not the store's
 * answers `malformed`, and is left as it is.
 */
export const CLAIM: LuaSource = {
  prelude: `${NOW}${EPOCH}${MALFORMED}`,
  body: `local rec = redis.call('HMGET', KEYS[1], 's', 'f', 'e', 'o', 'a')
local state = rec[1]
if not state then
  local recovering = recovering_until(KEYS[2], ARGV[5], ARGV[4])
  if recovering > now then return {'recovering', recovering - now} end
  redis.call('HSET', KEYS[1], 's', 'r', 'f', ARGV[1], 'o', ARGV[2], 'e', now + tonumber(ARGV[3]), 'a', 1)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'claimed'}
end
local bad = malformed(state, rec[2], rec[3], rec[5])
if bad then return {'malformed', bad} end
if rec[2] ~= ARGV[1] then return {'conflict'} end
local attempts = redis.call('HINCRBY', KEYS[1], 'a', 1)
if state == 'd' then
  local d = redis.call('HMGET', KEYS[1], 'v', 't')
  return {'completed', d[1], attempts, d[2]}
end
if ARGV[7] ~= '' and rec[4] and string.find(' ' .. ARGV[7] .. ' ', ' ' .. rec[4] .. ' ', 1, true) then
  redis.call('HSET', KEYS[1], 's', 'r', 'o', ARGV[2], 'e', now + tonumber(ARGV[3]))
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'claimed'}
end
if state == 'r' and tonumber(rec[3]) > now then
  redis.call('HSET', KEYS[1], 'w', 1)
  return {'in_flight', tonumber(rec[3]) - now}
end
if ARGV[6] == '1' then
  redis.call('HSET', KEYS[1], 's', 'r', 'o', ARGV[2], 'e', now + tonumber(ARGV[3]))
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {'claimed'}
end
redis.call('HSET', KEYS[1], 's', 'l')
return {'unknown'}
`,
  args: 7,
  shared: [3, 4, 5],
};

/**
 * KEYS: record. ARGV: fingerprint, outcome JSON, ttlMs, channel. The first outcome stays: a
 * record already done is returned as it is. A lost or wiped record takes the outcome (a later
 * retry then replays it instead of getting `outcome_unknown`). Waiters hear the record's key.
 */
export const COMPLETE: LuaSource = {
  prelude: `${NOW}${MALFORMED}`,
  body: `local rec = redis.call('HMGET', KEYS[1], 's', 'f', 'a', 'w', 'v', 't', 'e')
if rec[1] then
  local bad = malformed(rec[1], rec[2], rec[7], rec[3])
  if bad then return {'malformed', bad} end
end
if rec[1] == 'd' then return {'completed', rec[5], tonumber(rec[3]), rec[6]} end
if rec[1] and rec[2] ~= ARGV[1] then return {'conflict'} end
local attempts = tonumber(rec[3] or '1') or 1
redis.call('HSET', KEYS[1], 's', 'd', 'f', ARGV[1], 'v', ARGV[2], 't', now, 'a', attempts)
redis.call('HDEL', KEYS[1], 'o', 'e')
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if rec[4] then redis.call('PUBLISH', ARGV[4], KEYS[1]) end
return {'stored', attempts, now}
`,
  args: 4,
  shared: [3, 4],
};

/**
 * KEYS: record. ARGV: token, channel, mode: `release` drops the running claim, `lose` marks its
 * outcome unknown, `abandon` drops a claim whose reply was lost, running or already found lapsed
 * (its tool never ran). Only the claim's owner may do any of them. Waiters hear the record's key.
 */
export const LET_GO = `
local rec = redis.call('HMGET', KEYS[1], 's', 'o', 'w')
if rec[2] ~= ARGV[1] then return 0 end
if rec[1] ~= 'r' and not (ARGV[3] == 'abandon' and rec[1] == 'l') then return 0 end
if ARGV[3] == 'lose' then redis.call('HSET', KEYS[1], 's', 'l') else redis.call('DEL', KEYS[1]) end
if rec[3] then redis.call('PUBLISH', ARGV[2], KEYS[1]) end
return 1
`;

/**
 * KEYS: the epoch of one hash tag, then the records of the claims this store holds under that
 * tag. ARGV: leaseMs, ttlMs, then token and fingerprint of each key. Extends each lease still
 * owned; re-asserts a claim whose record vanished while the key space recovers from a memory
 * loss (Redis restarted without persistence); reports 0 for a claim released, lost or taken
 * over, or whose key holds something else than a record.
 */
export const RENEW = `${NOW}${EPOCH}
local lease, ttl = tonumber(ARGV[1]), ARGV[2]
local recovering = recovering_until(KEYS[1], ARGV[1], ttl) > now
local out = {}
for i = 2, #KEYS do
  local k = KEYS[i]
  local token, fp = ARGV[2 * i - 1], ARGV[2 * i]
  local rec = redis.pcall('HMGET', k, 's', 'o')
  if rec.err then
    out[i - 1] = 0
  elseif not rec[1] and not recovering then
    out[i - 1] = 0
  elseif not rec[1] then
    redis.call('HSET', k, 's', 'r', 'f', fp, 'o', token, 'e', now + lease, 'a', 1)
    redis.call('PEXPIRE', k, ttl)
    out[i - 1] = 1
  elseif rec[1] == 'r' and rec[2] == token then
    redis.call('HSET', k, 'e', now + lease)
    redis.call('PEXPIRE', k, ttl)
    out[i - 1] = 1
  else
    out[i - 1] = 0
  end
end
return out
`;

/** KEYS: record. What a waiter needs: state, fingerprint, attempts, outcome, completedAt, lease expiry, now. */
export const PEEK = `${NOW}
local rec = redis.call('HMGET', KEYS[1], 's', 'f', 'a', 'v', 't', 'e')
if not rec[1] then return {} end
return {rec[1], rec[2] or '', rec[3] or '', rec[4] or '', rec[5] or '', rec[6] or '', now}
`;

/**
 * A script in two parts: what it sets up once (the clock, helper functions), and its body on
 * KEYS and ARGV. Run alone it is the two in a row; a batch (see `batchedScript`) sets up once and
 * runs the body for each call, so that a batch reads the clock once and defines no function per call.
 *
 * @example
 * const claim: LuaScript = luaScript(CLAIM);
 */
export interface LuaSource {
  readonly prelude: string;
  readonly body: string;
  /** How many ARGV the body reads. */
  readonly args: number;
  /** The ARGV (1-based) that a store passes alike for every call (lease, TTL...): a batch sends them once. */
  readonly shared: readonly number[];
}

/**
 * A script and its SHA-1, as `EVALSHA` wants it.
 *
 * @example
 * const claim: LuaScript = luaScript(CLAIM);
 */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

/**
 * `source` (its prelude then its body, for a {@link LuaSource}) with its SHA-1.
 *
 * @example
 * await connection.run(luaScript(PEEK), [recordKey], []);
 */
export function luaScript(source: string | LuaSource): LuaScript {
  const text = typeof source === 'string' ? source : `${source.prelude}${source.body}`;
  return { source: text, sha: createHash('sha1').update(text).digest('hex') };
}
