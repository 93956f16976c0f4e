/**
 * Where a replica's Redis store connects, from its `--store` URL: `redis+cluster://host:port` (as
 * the proxy's `--store` takes it) is a cluster to discover from that node, else one Redis.
 */
export function redisTarget(url: string): { url: string } | { cluster: { rootNodes: { url: string }[] } } {
  return /^rediss?\+cluster:/.test(url)
    ? { cluster: { rootNodes: [{ url: url.replace('+cluster', '') }] } }
    : { url };
}
