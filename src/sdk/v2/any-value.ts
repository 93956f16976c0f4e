import type { StandardSchemaV1 } from '@modelcontextprotocol/client';

/**
 * A Standard Schema that takes any value as it is: what SDK v2 wants where mcp-tx reads the value
 * itself (an ACK's params, a result whose checks are made elsewhere). Written out rather than
 * `z.unknown()`: importing zod's `z` brings every locale into a browser page (about 260 KB
 * minified in `mcp-tx/v2`'s page).
 *
 * @example
 * client.setNotificationHandler('notifications/mcp_tx/ack', { params: ANY_VALUE }, onAck);
 */
export const ANY_VALUE: StandardSchemaV1<unknown> = {
  '~standard': { version: 1, vendor: 'mcp-tx', validate: (value: unknown) => ({ value }) },
};
