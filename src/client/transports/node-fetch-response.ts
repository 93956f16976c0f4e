/**
 * The response of `nodeHttpFetch`: a `node:http` response as much of a fetch `Response` as the
 * SDK's Streamable HTTP client transport reads. Node only (`http-fetch-node.ts` imports it).
 */
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { finished, pipeline, type Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** Statuses whose response has no body (fetch's null body statuses). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * `status`, `statusText`, `ok`, `headers`, `url`, `redirected`, `type`, `body` (a web stream,
 * made when first read), `bodyUsed`, `text()`, `json()`, `arrayBuffer()`. The body is read
 * straight from the socket by `text()`/`json()`; `release` is called once it has been read to
 * its end, failed, or been cancelled or aborted.
 */
export class NodeFetchResponse {
  readonly status: number;
  readonly statusText: string;
  readonly ok: boolean;
  readonly headers: ResponseHeaders;
  readonly redirected = false;
  readonly type = 'basic';
  #source: Readable | undefined;
  #stream: ReadableStream<Uint8Array> | null | undefined;
  #used = false;
  #aborted: { reason: unknown } | undefined;
  #release: () => void;

  constructor(
    res: IncomingMessage,
    readonly url: string,
    head: boolean,
    release: () => void,
  ) {
    this.status = res.statusCode ?? 0;
    this.statusText = res.statusMessage ?? '';
    this.ok = this.status >= 200 && this.status <= 299;
    this.headers = new ResponseHeaders(res.headers);
    this.#release = release;
    if (head || NULL_BODY.has(this.status)) {
      res.resume(); // nothing to read; the socket goes back to the agent
      this.#stream = null;
      release();
    } else {
      this.#source = decoded(res);
    }
  }

  /** The body as a web stream (`null` for a null-body status or `HEAD`), made on first access. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#stream === undefined) this.#stream = this.#webStream();
    return this.#stream;
  }

  /** Whether the body was read (or its stream taken and read). */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body as UTF-8 text. */
  async text(): Promise<string> {
    const bytes = await this.#bytes();
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0; // a BOM
    return bytes.toString('utf8', start);
  }

  /** The body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  /** The body's bytes. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.#bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }

  /** Stops the response with `reason`: a body not read to its end fails with it. */
  abort(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = { reason };
    this.#source?.destroy();
  }

  /** The whole body, straight from the socket when its stream was never taken. */
  async #bytes(): Promise<Buffer> {
    if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    const source = this.#source;
    if (this.#stream !== undefined || !source) return readAll(this.body);
    const chunks: Buffer[] = [];
    source.on('data', (chunk: Buffer) => void chunks.push(chunk));
    await this.#end(source);
    return chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  }

  /** Resolves when `source` ended; rejects with the abort reason, or a `TypeError` when it broke. */
  #end(source: Readable): Promise<void> {
    return new Promise((resolve, reject) => {
      finished(source, (error) => {
        this.#release();
        if (this.#aborted) reject(this.#aborted.reason);
        else if (error) reject(new TypeError('terminated', { cause: error }));
        else resolve();
      });
    });
  }

  #webStream(): ReadableStream<Uint8Array> {
    const source = this.#source as Readable;
    let open = true;
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        source.on('data', (chunk: Buffer) => {
          if (!open) return; // drained after a cancel
          this.#used = true;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) source.pause();
        });
        source.pause(); // read when the stream's reader pulls
        this.#end(source).then(
          () => void (open && ((open = false), controller.close())),
          (error: unknown) => void (open && ((open = false), controller.error(error))),
        );
      },
      pull: () => void source.resume(),
      cancel: () => {
        open = false;
        this.#used = true;
        // A body the server already sent in full is drained, keeping its connection for the next
        // request; one still arriving is cut off, as fetch does.
        if ((source as Readable & { complete?: boolean }).complete || source.readableEnded) source.resume();
        else source.destroy();
      },
    });
  }
}

/** `res`, decoded when the server sent it compressed (fetch decodes gzip, deflate and br). */
function decoded(res: IncomingMessage): Readable {
  const coding = res.headers['content-encoding']?.trim().toLowerCase();
  const decoder =
    coding === 'gzip' || coding === 'x-gzip'
      ? createGunzip()
      : coding === 'deflate'
        ? createInflate()
        : coding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return res;
  return pipeline(res, decoder, () => undefined); // an error shows on the decoder, which the body reads
}

async function readAll(stream: ReadableStream<Uint8Array> | null): Promise<Buffer> {
  if (!stream) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** A response's headers as fetch's `Headers` reads them (names in lower case, values joined). */
export class ResponseHeaders {
  readonly #raw: IncomingHttpHeaders;

  constructor(raw: IncomingHttpHeaders) {
    this.#raw = raw;
  }

  /** The value of `name` (all of them joined by `, `), or `null`. */
  get(name: string): string | null {
    const value = this.#raw[name.toLowerCase()];
    if (value === undefined) return null;
    return Array.isArray(value) ? value.join(', ') : value;
  }

  /** Whether the response has `name`. */
  has(name: string): boolean {
    return this.#raw[name.toLowerCase()] !== undefined;
  }

  /** The `set-cookie` values, one each. */
  getSetCookie(): string[] {
    return [...(this.#raw['set-cookie'] ?? [])];
  }

  /** `[name, value]` pairs, sorted by name. */
  *entries(): IterableIterator<[string, string]> {
    for (const name of Object.keys(this.#raw).sort()) yield [name, this.get(name) as string];
  }

  /** The names, sorted. */
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  /** The values, in the order of their sorted names. */
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  /** Calls `callback(value, name)` for each header, sorted by name. */
  forEach(callback: (value: string, name: string, headers: this) => void): void {
    for (const [name, value] of this.entries()) callback(value, name, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
