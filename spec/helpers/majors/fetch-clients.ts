/**
 * A bare SDK client of either major on its `StreamableHTTPClientTransport` with a given fetch, on
 * the `initialize` era, behind one face for the `nodeHttpFetch` specs: a call with progress, the
 * tools' list-changed notification, the session, and the HTTP status of an error.
 */
import {
  Client as ClientV2,
  SdkHttpError,
  StreamableHTTPClientTransport as HttpV2,
} from '@modelcontextprotocol/client';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport as HttpV1,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Major } from './build-server.js';

/** What the fetch specs do with an SDK client and its transport. */
export interface FetchSpecClient {
  /** Connects over a fresh transport with `fetch` (resuming `sessionId` when given). */
  connect(): Promise<void>;
  callTool(
    name: string,
    args: Record<string, unknown>,
    onProgress?: (progress: number) => void,
  ): Promise<unknown>;
  /** Resolves on the next `notifications/tools/list_changed`. */
  toolListChanged(): Promise<void>;
  /** The transport's session id. */
  sessionId(): string | undefined;
  /** Ends the session with DELETE. */
  terminateSession(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A client of `major` to `url` whose transport fetches with `fetch`.
 *
 * @example
 * const client = fetchSpecClient('v2', served.url, nodeHttpFetch);
 * await client.connect();
 */
export function fetchSpecClient(
  major: Major,
  url: URL,
  fetch: FetchLike,
  sessionId?: string,
): FetchSpecClient {
  const info = { name: 'spec', version: '1.0.0' };
  const options = { fetch, ...(sessionId === undefined ? {} : { sessionId }) };
  if (major === 'v1') {
    const client = new ClientV1(info);
    const transport = new HttpV1(url, options);
    return {
      connect: () => client.connect(transport),
      callTool: (name, args, onProgress) =>
        client.callTool({ name, arguments: args }, undefined, {
          ...(onProgress && { onprogress: (p) => onProgress(p.progress) }),
        }),
      toolListChanged: () =>
        new Promise((resolve) =>
          client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
        ),
      sessionId: () => transport.sessionId,
      terminateSession: () => transport.terminateSession(),
      close: () => client.close(),
    };
  }
  const client = new ClientV2(info, { versionNegotiation: { mode: 'legacy' } });
  const transport = new HttpV2(url, options as never);
  return {
    connect: () => client.connect(transport),
    callTool: (name, args, onProgress) =>
      client.callTool(
        { name, arguments: args },
        { ...(onProgress && { onprogress: (p: { progress: number }) => onProgress(p.progress) }) },
      ),
    toolListChanged: () =>
      new Promise((resolve) =>
        client.setNotificationHandler('notifications/tools/list_changed', () => resolve()),
      ),
    sessionId: () => transport.sessionId,
    terminateSession: () => transport.terminateSession(),
    close: () => client.close(),
  };
}

/** The HTTP status an SDK client's error carries (SDK v1's `StreamableHTTPError`, v2's `SdkHttpError`). */
export function httpStatusOf(error: unknown): number | undefined {
  if (error instanceof StreamableHTTPError) return error.code;
  if (error instanceof SdkHttpError) return error.status;
  return undefined;
}
