import { isWrongType, unavailable, type RedisConnection } from './connection.js';
import { luaScript, type LuaScript, type LuaSource } from './scripts.js';

/**
 * `source` (a script of KEYS and ARGV) run for many calls in one `EVALSHA`. ARGV is the count of
 * calls, the number of keys of each, the args every call shares (`source.shared`: the same for
 * the whole batch, sent once), then each call's own args (the others, in order); KEYS are the
 * calls' keys one after the other. The reply lists each call's reply; a call that fails (a key of
 * another type) gets its error in its place, and the others go on. The prelude (clock, helpers)
 * runs once per batch.
 *
 * @example
 * const claims = batchedScript(CLAIM);
 */
export function batchedScript({ prelude, body, args, shared }: LuaSource): LuaScript {
  const own = Array.from({ length: args }, (_, i) => i + 1).filter((at) => !shared.includes(at));
  return luaScript(`${prelude}local function one(KEYS, ARGV)
${body}
end
local shared_at, own_at = {${shared.join(', ')}}, {${own.join(', ')}}
local n, nk = tonumber(ARGV[1]), tonumber(ARGV[2])
local out, keys, args = {}, {}, {}
for i = 1, #shared_at do args[shared_at[i]] = ARGV[2 + i] end
local k, a = 0, 2 + #shared_at
for g = 1, n do
  for i = 1, nk do keys[i] = KEYS[k + i] end
  for i = 1, #own_at do args[own_at[i]] = ARGV[a + i] end
  k, a = k + nk, a + #own_at
  local ok, reply = pcall(one, keys, args)
  if ok then out[g] = reply else out[g] = redis.error_reply(type(reply) == 'table' and reply.err or tostring(reply)) end
end
return out
`);
}

/**
 * What one call's reply becomes: `reply` (an `Error` for a call that failed in the script) checked
 * for the call whose first key is `firstKey`; throws to reject the call. Run where the batch's reply
 * is taken apart, so that a call's answer costs no promise of its own.
 */
export type ReplyCheck<T> = (firstKey: string, reply: unknown) => T;

interface Call<T> {
  readonly keys: readonly string[];
  readonly args: readonly string[];
  readonly resolve: (reply: T) => void;
  readonly reject: (error: unknown) => void;
}

interface Lane<T> {
  busy: boolean;
  queue: Call<T>[];
}

/** Most calls in one batch (a long script stalls every other client of the Redis). */
const MAX_BATCH = 256;

/**
 * Runs one script for many calls with as few round trips as the load allows: a call goes out at
 * once when no batch of its lane is on its way, else it waits for that batch's reply and goes
 * with every call that arrived meanwhile (in one `EVALSHA` of {@link batchedScript}). Nothing waits
 * on a timer: a lone call costs one round trip, as before, and under load each round trip carries
 * many. A lane is one hash slot's calls on a cluster (a script's keys share a slot), or all.
 *
 * Each call's reply goes through `check` (a call that failed in the script, through it too: a
 * WRONGTYPE error is the caller's to name); one that cannot be told apart from the batch's (Redis
 * unreachable) is a `StoreUnavailableError`.
 *
 * @example
 * const claims = new ScriptBatches(redis, batchedScript(CLAIM), (rkey, reply) => asList(rkey, reply), [lease, ttl, lease]);
 * const reply = await claims.run([recordKey, epochKey], [fingerprint, token, '0', ''], tag);
 */
export class ScriptBatches<T> {
  readonly #lanes = new Map<number, Lane<T>>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly script: LuaScript,
    private readonly check: ReplyCheck<T>,
    /** The values of the script's shared args (see {@link batchedScript}), the same for every call. */
    private readonly shared: readonly string[],
  ) {}

  /**
   * The checked reply of the script for `keys` and the call's own `args` (its shared ones left
   * out); `lane` groups the calls that may share a batch. Every call passes as many keys and args.
   */
  run(keys: readonly string[], args: readonly string[], lane: number): Promise<T> {
    const id = this.redis.cluster ? lane : 0;
    let queue = this.#lanes.get(id);
    if (queue === undefined) this.#lanes.set(id, (queue = { busy: false, queue: [] }));
    const lanes = queue;
    return new Promise((resolve, reject) => {
      lanes.queue.push({ keys, args, resolve, reject });
      if (!lanes.busy) this.#send(id, lanes);
    });
  }

  #send(id: number, lane: Lane<T>): void {
    const calls = lane.queue.splice(0, MAX_BATCH);
    if (calls.length === 0) {
      lane.busy = false;
      this.#lanes.delete(id);
      return;
    }
    lane.busy = true;
    // One array, the command as it goes out: EVALSHA sha numkeys keys... count nk shared... own args...
    const command = ['EVALSHA', this.script.sha, ''];
    for (const call of calls) for (const key of call.keys) command.push(key);
    command[2] = String(command.length - 3);
    command.push(String(calls.length), String(calls[0]?.keys.length ?? 0));
    for (const arg of this.shared) command.push(arg);
    for (const call of calls) for (const arg of call.args) command.push(arg);
    this.redis.runCommand(this.script, command).then(
      (reply) => {
        const replies = Array.isArray(reply) ? reply : [];
        for (let i = 0; i < calls.length; i++) this.#settle(calls[i] as Call<T>, replies[i]);
        this.#send(id, lane);
      },
      (error: unknown) => {
        for (const call of calls) this.#fail(call, error);
        this.#send(id, lane);
      },
    );
  }

  #settle(call: Call<T>, reply: unknown): void {
    if (reply instanceof Error && !isWrongType(reply)) return call.reject(unavailable('EVALSHA', reply));
    let checked: T;
    try {
      checked = this.check(call.keys[0] ?? '', reply);
    } catch (error) {
      return call.reject(error);
    }
    call.resolve(checked);
  }

  /** The batch failed as a whole: a WRONGTYPE answer is still the caller's to name. */
  #fail(call: Call<T>, error: unknown): void {
    if (!isWrongType(error)) return call.reject(error);
    try {
      this.check(call.keys[0] ?? '', error);
    } catch (named) {
      return call.reject(named);
    }
    call.reject(error);
  }
}
