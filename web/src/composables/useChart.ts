// ECharts, registered once with only the charts and components the dashboards use (tree-shaken), and one
// composable that binds a chart to an element, resizes it with the element and disposes it with the component.
import { use, init, type ComposeOption, type ECharts } from 'echarts/core'
import { BarChart, LineChart, PieChart, type BarSeriesOption, type LineSeriesOption, type PieSeriesOption } from 'echarts/charts'
import {
  GridComponent, LegendComponent, TooltipComponent, TitleComponent,
  type GridComponentOption, type LegendComponentOption, type TooltipComponentOption, type TitleComponentOption,
} from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue'
import { whenSettled } from '@/utils/prefetch'

use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, TitleComponent, CanvasRenderer])

export type ChartOption = ComposeOption<
  | BarSeriesOption | LineSeriesOption | PieSeriesOption
  | GridComponentOption | LegendComponentOption | TooltipComponentOption | TitleComponentOption
>

// Drawn at once, without the entrance animation: the figures are read, not watched (and the page is ready sooner).
// Lettered in the page's own font, already loaded for its text: ECharts' default (sans-serif) made the canvas find and
// load another CJK font to measure the first labels (~40 ms of the dashboard's first drawing).
let pageFont = ''
const still = (o: ChartOption): ChartOption => {
  pageFont ||= getComputedStyle(document.body).fontFamily
  return { animation: false, textStyle: { fontFamily: pageFont }, ...o }
}

// ECharts' code compiled ahead: V8 compiles a function when it first runs, and the dashboard's first drawing spent most
// of its time so (docs/PERFORMANCE.md). These charts are drawn off the page, one each time the browser is idle with
// no request under way, unless a page has begun drawing charts of its own.
let charted = false
export function warmCharts(options: ChartOption[]) {
  const next = () => {
    const o = options.shift()
    if (!o || charted) return
    const chart = init(document.createElement('div'), undefined, { renderer: 'canvas', width: 400, height: 240 })
    chart.setOption(still(o))
    chart.dispose()
    whenSettled(next)
  }
  whenSettled(next)
}

export function useChart(el: Ref<HTMLElement | undefined>, option: Ref<ChartOption | null>) {
  const chart = shallowRef<ECharts>()
  let observer: ResizeObserver | undefined
  onMounted(() => {
    if (!el.value) return
    charted = true
    chart.value = init(el.value, undefined, { renderer: 'canvas' })
    if (option.value) chart.value.setOption(still(option.value))
    observer = new ResizeObserver(() => chart.value?.resize())
    observer.observe(el.value)
  })
  watch(option, (o) => o && chart.value?.setOption(still(o), true), { deep: true })
  onBeforeUnmount(() => {
    observer?.disconnect()
    chart.value?.dispose()
  })
  return chart
}
