import { spawnSync } from 'node:child_process';

/** Prometheus's `promtool`, installed by `.ci/install-promtool`; `PROMTOOL_PATH` overrides. */
export const PROMTOOL_PATH = process.env.PROMTOOL_PATH ?? 'promtool';
/** The command that installs it. */
export const PROMTOOL_INSTALL = 'bash .ci/install-promtool';

/** What `promtool check metrics` said of an exposition. */
export interface PromtoolVerdict {
  /** 0: parsed, no lint problem; 3: parsed, lint problems; 1: not parsed. */
  status: number | null;
  /** Its problems, one a line (empty when none). */
  problems: string;
}

/**
 * Runs `promtool check metrics` on `text`: Prometheus's own text-format parser, then its linter
 * of the naming conventions (base units, `_total` counters, no abbreviated units, ...).
 *
 * @example
 * expect(checkMetrics(toPrometheus(snapshot))).toEqual({ status: 0, problems: '' });
 */
export function checkMetrics(text: string): PromtoolVerdict {
  const run = spawnSync(PROMTOOL_PATH, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (run.error) throw run.error;
  return { status: run.status, problems: `${run.stdout}${run.stderr}`.trim() };
}

function found(): boolean {
  const run = spawnSync(PROMTOOL_PATH, ['--version'], { encoding: 'utf8' });
  return !run.error && run.status === 0;
}

/**
 * `describe`, with promtool. Without it the specs are skipped and the command that installs it
 * is printed, except in CI (`CI=true`), where they never skip: a missing promtool fails loudly.
 */
export function describeWithPromtool(name: string, body: () => void): void {
  if (found()) return describe(name, body);
  if (process.env.CI === 'true') {
    return describe(name, () => {
      it('should find promtool', () => {
        throw new Error(`promtool is missing (${PROMTOOL_PATH}); CI must install it: ${PROMTOOL_INSTALL}`);
      });
    });
  }
  process.stderr.write(
    `\npromtool not found (${PROMTOOL_PATH}): the Prometheus format specs are skipped. Install it with: ${PROMTOOL_INSTALL}\n`,
  );
  describe.skip(name, body);
}
