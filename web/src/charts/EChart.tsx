// One ECharts chart (bar and line, canvas renderer), tree-shaken. Import it only through React.lazy:
// it pulls ECharts and zrender, which the portal and the village room must never load.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';
import type { CSSProperties } from 'react';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface EChartProps {
  /** An ECharts option; animation is switched off so screenshots and tests see the final picture. */
  option: Record<string, unknown>;
  style?: CSSProperties;
  /** The chart's words for screen readers (a canvas has none of its own). */
  label: string;
  testId?: string;
}

export default function EChart({ option, style, label, testId }: EChartProps) {
  return (
    <div role="img" aria-label={label} data-testid={testId}>
      <ReactEChartsCore echarts={echarts} opts={{ renderer: 'canvas' }} style={{ height: 300, ...style }} option={{ animation: false, ...option }} notMerge lazyUpdate />
    </div>
  );
}
