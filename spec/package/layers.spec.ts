// Each layer imports only from the layers below it: protocol <- operators <- client, server.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const BELOW: Record<string, readonly string[]> = {
  protocol: [],
  operators: ['protocol'],
};

/** `folder/file: ../layer` for every relative import of a layer not below `folder`. */
function upwardImports(folder: string): string[] {
  const allowed = new Set([folder, ...(BELOW[folder] ?? [])]);
  return readdirSync(join(SRC, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .flatMap((file) => {
      const code = readFileSync(join(SRC, folder, file), 'utf8');
      return [...code.matchAll(/from '\.\.\/([a-z-]+)\//g)]
        .map((m) => m[1] ?? '')
        .filter((layer) => !allowed.has(layer))
        .map((layer) => `${folder}/${file}: ../${layer}`);
    });
}

describe('src layers', () => {
  it.each(Object.keys(BELOW))('should keep %s free of imports from the layers above it', (folder) => {
    expect(upwardImports(folder)).toEqual([]);
  });
});
