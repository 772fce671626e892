// Time-series charts with uPlot (served from node_modules at /vendor/uplot/), sized to their box.
import uPlot from '/vendor/uplot/uPlot.esm.js';

const PALETTE = ['#e5306b', '#1f7aec', '#16a34a', '#f59e0b'];

/**
 * A line chart of several series over time, in `container`. `update(times, seriesValues)` takes
 * epoch seconds and one array per series; `destroy()` frees it.
 */
export function timeChart(container, { series, height = 220, yLabel = '' }) {
  let plot;
  const opts = (width) => ({
    width,
    height,
    cursor: { drag: { x: false, y: false } },
    legend: { show: true },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(5, Math.ceil(max * 1.15))] } },
    axes: [
      { stroke: '#6b7280', grid: { stroke: '#eef0f3' } },
      { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, label: yLabel, size: 48 },
    ],
    series: [
      {},
      ...series.map((name, i) => ({
        label: name,
        stroke: PALETTE[i % PALETTE.length],
        width: 2,
        fill: i === 0 ? `${PALETTE[0]}14` : undefined,
        points: { show: false },
      })),
    ],
  });
  let data = [[], ...series.map(() => [])];
  const width = () => Math.max(240, container.clientWidth);
  plot = new uPlot(opts(width()), data, container);
  const resize = new ResizeObserver(() => plot.setSize({ width: width(), height }));
  resize.observe(container);
  return {
    update(times, values) {
      data = [times, ...values];
      plot.setData(data);
    },
    destroy() {
      resize.disconnect();
      plot.destroy();
    },
  };
}
