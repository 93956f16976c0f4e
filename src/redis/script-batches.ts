import { isWrongType, unavailable, type RedisConnection } from './connection.js';
import { luaScript, type LuaScript, type LuaSource } from './scripts.js';

/**
 * `source` (a script of KEYS and ARGV) run for many calls in one `EVALSHA`: ARGV is the count of
 * calls, then for each its number of keys, number of args and args; KEYS are the calls' keys one
 * after the other. The reply lists each call's reply; a call that fails (a key of another type)
 * gets its error in its place, and the others go on. The prelude (clock, helpers) runs once per batch.
 *
 * @example
 * const claims = batchedScript(CLAIM);
 */
export function batchedScript({ prelude, body }: LuaSource): LuaScript {
  return luaScript(`${prelude}local function one(KEYS, ARGV)
${body}
end
local out, k, a = {}, 1, 2
for g = 1, tonumber(ARGV[1]) do
  local nk, na = tonumber(ARGV[a]), tonumber(ARGV[a + 1])
  local keys, args = {}, {}
  for i = 1, nk do keys[i] = KEYS[k + i - 1] end
  for i = 1, na do args[i] = ARGV[a + 1 + i] end
  k, a = k + nk, a + 2 + na
  local ok, reply = pcall(one, keys, args)
  if ok then out[g] = reply else out[g] = redis.error_reply(type(reply) == 'table' and reply.err or tostring(reply)) end
end
return out
`);
}

interface Call {
  readonly keys: readonly string[];
  readonly args: readonly string[];
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: unknown) => void;
}

interface Lane {
  busy: boolean;
  queue: Call[];
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
 * @example
 * const claims = new ScriptBatches(redis, batchedScript(CLAIM));
 * const reply = await claims.run([recordKey, epochKey], args, tag);
 */
export class ScriptBatches {
  readonly #lanes = new Map<number, Lane>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly script: LuaScript,
  ) {}

  /** The reply of the script for `keys` and `args`; `lane` groups the calls that may share a batch. */
  run(keys: readonly string[], args: readonly string[], lane: number): Promise<unknown> {
    const id = this.redis.cluster ? lane : 0;
    let queue = this.#lanes.get(id);
    if (queue === undefined) this.#lanes.set(id, (queue = { busy: false, queue: [] }));
    const lanes = queue;
    return new Promise((resolve, reject) => {
      lanes.queue.push({ keys, args, resolve, reject });
      if (!lanes.busy) this.#send(id, lanes);
    });
  }

  #send(id: number, lane: Lane): void {
    const calls = lane.queue.splice(0, MAX_BATCH);
    if (calls.length === 0) {
      lane.busy = false;
      this.#lanes.delete(id);
      return;
    }
    lane.busy = true;
    // One array, the command as it goes out: EVALSHA sha numkeys keys... count (nk na args...)...
    let keyCount = 0;
    for (const call of calls) keyCount += call.keys.length;
    const command = ['EVALSHA', this.script.sha, String(keyCount)];
    for (const call of calls) for (const key of call.keys) command.push(key);
    command.push(String(calls.length));
    for (const call of calls) {
      command.push(String(call.keys.length), String(call.args.length));
      for (const arg of call.args) command.push(arg);
    }
    this.redis.runCommand(this.script, command).then(
      (reply) => {
        const replies = Array.isArray(reply) ? reply : [];
        calls.forEach((call, i) => {
          const one: unknown = replies[i];
          if (one instanceof Error) call.reject(isWrongType(one) ? one : unavailable('EVALSHA', one));
          else call.resolve(one);
        });
        this.#send(id, lane);
      },
      (error: unknown) => {
        for (const call of calls) call.reject(error);
        this.#send(id, lane);
      },
    );
  }
}
