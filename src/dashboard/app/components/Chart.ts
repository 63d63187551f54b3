/// <reference lib="dom" />
import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** A live chart of one series over block indexes or over time. */
export interface ChartProps {
  /** Names the series in the legend. */
  readonly label: string;
  /** bars: one bar per x; steps: a value that holds until the next x; line: a filled line. */
  readonly kind: 'bars' | 'steps' | 'line';
  readonly color: string;
  /** When true x is Unix seconds (a time axis); otherwise block indexes. */
  readonly time: boolean;
  readonly x: readonly number[];
  readonly y: readonly (number | null)[];
  /** Writes a y value for the axis and the legend. */
  readonly formatValue: (value: number) => string;
  /** The y axis reaches at least this high, so a flat line at 0 still gets readable ticks. */
  readonly minTop: number;
  readonly height: number;
  readonly testId: string;
}

const AXIS_COLOR = '#7f8aa3';
const GRID_COLOR = 'rgba(148, 163, 184, 0.09)';
const FONT = '11px ui-sans-serif, system-ui, -apple-system, "Segoe UI", sans-serif';
/** A time axis spans at least this many seconds, so the first samples do not fill it edge to edge. */
const MIN_TIME_SPAN_S = 60;
/** Block-index ticks stay whole numbers. */
const INDEX_INCREMENTS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000];

/**
 * uPlot inside a Preact component: the plot is created once the box has a width, resized with the box, and fed new
 * data in place (no re-creation, so the live updates cost a redraw and nothing more).
 */
export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;

  useEffect(() => {
    const element = box.current;
    if (element === null) return undefined;
    const fitToBox = () => {
      const width = Math.floor(element.clientWidth);
      if (width <= 0) return;
      if (plot.current === null) {
        plot.current = new uPlot(chartOptions(latest.current, width), chartData(latest.current), element);
      } else if (plot.current.width !== width) {
        plot.current.setSize({ width, height: latest.current.height });
      }
    };
    const observer = new ResizeObserver(fitToBox);
    observer.observe(element);
    fitToBox();
    return () => {
      observer.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
  }, []);

  useEffect(() => {
    plot.current?.setData(chartData(props));
  }, [props.x, props.y]);

  return h('div', { class: 'chart', ref: box, 'data-testid': props.testId, style: { minHeight: `${props.height}px` } });
}

function chartData(props: ChartProps): uPlot.AlignedData {
  return [props.x as number[], props.y as (number | null)[]];
}

function chartOptions(props: ChartProps, width: number): uPlot.Options {
  const paths =
    props.kind === 'bars'
      ? uPlot.paths.bars!({ size: [0.72, 28], gap: 1 })
      : props.kind === 'steps'
        ? uPlot.paths.stepped!({ align: 1 })
        : uPlot.paths.spline!();
  const axis = (values: uPlot.Axis['values'], size?: number): uPlot.Axis => ({
    stroke: AXIS_COLOR,
    font: FONT,
    grid: { stroke: GRID_COLOR, width: 1 },
    ticks: { stroke: GRID_COLOR, width: 1, size: 4 },
    values,
    ...(size === undefined ? {} : { size }),
  });
  return {
    width,
    height: props.height,
    padding: [12, 18, 0, 0],
    cursor: { drag: { x: false, y: false }, points: { size: 7, fill: props.color } },
    legend: { show: true, live: true },
    scales: {
      x: props.time
        ? { time: true, range: (_u, min, max) => [Math.min(min, max - MIN_TIME_SPAN_S), max] }
        : // Half a block of room at either end, so the first and last bars are drawn whole.
          { time: false, range: (_u, min, max) => (props.kind === 'bars' ? [min - 0.5, max + 0.5] : [min, max]) },
      // Everything charted here is ≥ 0; start at zero so the bars and areas do not exaggerate small changes.
      y: { range: (_u, _min, max) => [0, Math.max(props.minTop, max * 1.18)] },
    },
    series: [
      {
        label: props.time ? 'Time' : 'Block',
        value: (_u, value) =>
          value === null || value === undefined
            ? '–'
            : props.time
              ? new Date(value * 1000).toLocaleTimeString()
              : `#${value}`,
      },
      {
        label: props.label,
        stroke: props.color,
        width: 2,
        fill: `${props.color}2e`,
        paths,
        points: { show: false },
        spanGaps: false,
        value: (_u, value) => (value === null || value === undefined ? '–' : props.formatValue(value)),
      },
    ],
    axes: [
      props.time
        ? axis(undefined)
        : { ...axis((_u, splits) => splits.map((split) => `#${split}`)), incrs: INDEX_INCREMENTS },
      axis((_u, splits) => splits.map((split) => props.formatValue(split)), 64),
    ],
  };
}
