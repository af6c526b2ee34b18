// Working days per month as a bar chart: ECharts, tree-shaken, in its own chunk (staff side only).
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import ReactEChartsCore from 'echarts-for-react/esm/core';

echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

export default function WorkdaysChart({ months, values, label }: { months: string[]; values: number[]; label: string }) {
  return (
    <ReactEChartsCore
      echarts={echarts}
      opts={{ renderer: 'svg' }}
      style={{ height: 220 }}
      option={{
        animation: false,
        tooltip: { trigger: 'axis' },
        grid: { left: 36, right: 12, top: 16, bottom: 28 },
        xAxis: { type: 'category', data: months },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', name: label, data: values, itemStyle: { color: '#1d4ed8' }, label: { show: true, position: 'top' } }],
      }}
    />
  );
}
