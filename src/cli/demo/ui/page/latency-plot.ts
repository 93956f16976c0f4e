import type { TxEvent } from '../../../../index.js';
import { frameThrottle } from './dom.js';

/** Points plotted: the latest calls. */
const MAX_POINTS = 300;
/** Width of the x axis in calls until more than that many are plotted. */
const MIN_SLOTS = 60;
const PAD = { left: 44, right: 10, top: 10, bottom: 22 };
const COLORS = {
  axis: '#3a4552',
  text: '#8a96a3',
  executed: '#3fb950',
  duplicate: '#bc8cff',
  median: '#58a6ff',
};

interface Point {
  latencyMs: number;
  duplicate: boolean;
}

/**
 * A live scatter plot of each call's latency from its first request to its result (x: calls in
 * order, y: ms; time queued in the client before the first request is left out), on a canvas,
 * with the median as a line, labelled in the strip under the plot (clear of the dots); replays
 * answered by the server's store in their own colour. Redrawn at most once a frame. On the
 * canvas, `data-points` says how many points it shows, `data-plot-area` and `data-median-label`
 * where the dots and the label lie (`x,y,width,height`, canvas pixels).
 *
 * @example
 * const plot = new LatencyPlot(byId('latency', HTMLCanvasElement));
 * client.events$.subscribe((e) => plot.add(e));
 */
export class LatencyPlot {
  readonly #points: Point[] = [];
  /** When each call in flight sent its first request. */
  readonly #sentAt = new Map<string, number>();
  readonly #context: CanvasRenderingContext2D;
  readonly #redraw = frameThrottle(() => this.#draw());

  constructor(private readonly canvas: HTMLCanvasElement) {
    const context = canvas.getContext('2d');
    if (context === null) throw new Error('no 2D canvas context');
    this.#context = context;
    this.#draw();
  }

  /** Takes one event: a call's first request starts its clock, its response plots it. */
  add(event: TxEvent): void {
    if (event.type === 'request' && event.attempt === 0) this.#sentAt.set(event.requestId, event.time);
    if (event.type === 'failure') this.#sentAt.delete(event.requestId);
    if (event.type !== 'response') return;
    const sentAt = this.#sentAt.get(event.requestId);
    this.#sentAt.delete(event.requestId);
    if (sentAt !== undefined) this.#plot(event.time - sentAt, event.result.duplicate);
  }

  #plot(latencyMs: number, duplicate: boolean): void {
    this.#points.push({ latencyMs, duplicate });
    if (this.#points.length > MAX_POINTS) this.#points.shift();
    this.#redraw();
  }

  #draw(): void {
    const { width, height } = this.canvas;
    const g = this.#context;
    const points = this.#points;
    const sorted = points.map((p) => p.latencyMs).sort((a, b) => a - b);
    const top = niceCeiling(sorted.at(-1) ?? 100);
    const slots = Math.max(MIN_SLOTS, points.length); // few points spread out, then they pack in
    const x = (i: number) => PAD.left + ((i + 0.5) / slots) * (width - PAD.left - PAD.right);
    const y = (ms: number) => height - PAD.bottom - (ms / top) * (height - PAD.top - PAD.bottom);
    g.clearRect(0, 0, width, height);
    g.font = '11px system-ui, sans-serif';
    for (const tick of [0, top / 2, top]) {
      g.fillStyle = COLORS.axis;
      g.fillRect(PAD.left, Math.round(y(tick)), width - PAD.left - PAD.right, 1);
      g.fillStyle = COLORS.text;
      g.fillText(`${Math.round(tick)} ms`, 4, y(tick) + 4);
    }
    g.fillText(`last ${points.length} calls`, PAD.left, height - 6);
    points.forEach((p, i) => {
      g.fillStyle = p.duplicate ? COLORS.duplicate : COLORS.executed;
      g.beginPath();
      g.arc(x(i), y(p.latencyMs), 2.5, 0, 2 * Math.PI);
      g.fill();
    });
    if (sorted.length > 0) {
      const median = sorted[Math.floor((sorted.length - 1) / 2)] as number;
      g.fillStyle = COLORS.median;
      g.fillRect(PAD.left, Math.round(y(median)), width - PAD.left - PAD.right, 1);
      // the label in the bottom strip, under the plot: never on top of a dot, wherever the median is
      const label = `median ${Math.round(median)} ms`;
      const labelWidth = Math.ceil(g.measureText(label).width);
      const labelX = width - PAD.right - labelWidth;
      g.fillText(label, labelX, height - 6);
      this.canvas.dataset.medianLabel = [labelX, height - 6 - 11, labelWidth, 11].join(',');
    }
    this.canvas.dataset.plotArea = [
      PAD.left,
      PAD.top,
      width - PAD.left - PAD.right,
      height - PAD.top - PAD.bottom,
    ].join(',');
    this.canvas.dataset.points = String(points.length);
  }
}

/** A round axis maximum at or above `ms`: 1, 2 or 5 times a power of ten. */
function niceCeiling(ms: number): number {
  const power = 10 ** Math.floor(Math.log10(Math.max(ms, 1)));
  for (const step of [1, 2, 5, 10]) if (step * power >= ms) return step * power;
  return 10 * power;
}
