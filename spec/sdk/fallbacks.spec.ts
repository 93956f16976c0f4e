import { jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { CancelTaskResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { childOf } from '../../src/sdk/v1/child-process-node.js';
import { clientInternalsOf, isTaskRequired } from '../../src/sdk/v1/client-internals.js';
import { replaceReadBuffer, type StdioReadBuffer } from '../../src/sdk/v1/stdio-read-buffer.js';
import { cancelTaskOf } from '../../src/sdk/v1/tasks.js';
import { UnsupportedSdkError, isUnsupportedSdkError } from '../../src/sdk/unsupported-sdk-error.js';

/**
 * Each SDK internal of src/sdk/v1, missing (as in an SDK that renamed it): the public path, or a
 * clear UnsupportedSdkError; never a silent loss. (callTool's checks: result-checks-fallback.spec.ts.)
 */
const reader: StdioReadBuffer = { append: () => undefined, readMessage: () => null, clear: () => undefined };

describe('SDK internals missing', () => {
  describe('the stdio read buffer (_readBuffer, the proxy message limit)', () => {
    it('should replace it where the SDK has one', () => {
      const transport = new StdioServerTransport();
      replaceReadBuffer(transport, reader);
      expect((transport as unknown as { _readBuffer: unknown })._readBuffer).toBe(reader);
    });

    it('should fail closed with an UnsupportedSdkError naming it where there is none', () => {
      const transport = new InMemoryTransport(); // no read buffer, as a renamed member would leave
      const replace = () => replaceReadBuffer(transport, reader);
      expect(replace).toThrow(UnsupportedSdkError);
      expect(replace).toThrow(/has no stdio transport read buffer \(_readBuffer\)/);
      try {
        replace();
      } catch (e) {
        expect(isUnsupportedSdkError(e)).toBe(true);
        expect(e).toMatchObject({ code: 'UNSUPPORTED_SDK', retryable: false });
      }
    });
  });

  describe('experimental.tasks (cancelling a task)', () => {
    it('should use experimental.tasks.cancelTask where the SDK has it', async () => {
      const cancelTask = jest.fn(() => Promise.resolve({}));
      const request = jest.fn(() => Promise.resolve({}));
      await cancelTaskOf({ experimental: { tasks: { cancelTask } }, request } as unknown as Client, 't1');
      expect(cancelTask).toHaveBeenCalledWith('t1');
      expect(request).not.toHaveBeenCalled();
    });

    it('should send tasks/cancel through the public request where it has not', async () => {
      const request = jest.fn(() => Promise.resolve({}));
      await cancelTaskOf({ request } as unknown as Client, 't1');
      expect(request).toHaveBeenCalledWith(
        { method: 'tasks/cancel', params: { taskId: 't1' } },
        CancelTaskResultSchema,
      );
    });
  });

  describe('the task lookup (isToolTaskRequired)', () => {
    it('should read it where the SDK has it, and answer no task where it has not (the server then decides)', () => {
      const sdk = { isToolTaskRequired: (tool: string) => tool === 'render' } as unknown as Client;
      expect([isTaskRequired(sdk, 'render'), isTaskRequired(sdk, 'echo')]).toEqual([true, false]);
      expect(isTaskRequired({} as Client, 'render')).toBe(false);
      const handlers = { ack: () => false, incoming: <M>(m: M) => m };
      expect(clientInternalsOf({} as Client, handlers).checks).toBeUndefined(); // public callTool
    });
  });

  describe("the stdio transport's child process (_process)", () => {
    it('should see no child where the transport keeps none (the connect error then names no exit)', () => {
      expect(childOf(new InMemoryTransport())).toBeUndefined();
      expect(childOf({ _process: { kill: 'not a function' } } as never)).toBeUndefined();
    });
  });
});
