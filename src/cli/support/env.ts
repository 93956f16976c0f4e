/**
 * The whole environment of this process for a child server. The SDK passes only a safe subset
 * by default; a CLI user expects the server to see what their shell sees (API keys, NODE_OPTIONS).
 *
 * @example
 * new StdioClientTransport({ command: 'node', args: ['server.js'], env: inheritedEnv() });
 */
export function inheritedEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}
