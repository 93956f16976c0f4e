// `@opentelemetry/api` is an optional peer: only mcp-tx/otel (src/telemetry/) loads it, and the
// client and the server know of telemetry through types alone, so that without the `telemetry`
// option nothing of it is loaded, bundled or run.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every source file outside src/telemetry/, with its text. */
function sourcesOutsideTelemetry(): [string, string][] {
  return readdirSync(SRC, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.startsWith('telemetry/'))
    .map((file) => [file, readFileSync(join(SRC, file), 'utf8')]);
}

describe('OpenTelemetry as an optional peer', () => {
  it('should be imported by src/telemetry/ alone', () => {
    const importers = sourcesOutsideTelemetry()
      .filter(([, code]) => /from '@opentelemetry\//.test(code) || /import\('@opentelemetry\//.test(code))
      .map(([file]) => file);
    expect(importers).toEqual([]);
  });

  it('should reach the client and the server through type imports only (the CLI loads it on demand)', () => {
    const runtime = sourcesOutsideTelemetry()
      .flatMap(([file, code]) =>
        [...code.matchAll(/^(?:import|export) (?!type )[^;]*from '(?:\.\.\/)+telemetry\/[^']*';/gm)].map(
          () => file,
        ),
      )
      .sort();
    expect(runtime).toEqual([]);
  });
});
