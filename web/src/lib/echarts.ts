// ECharts, tree-shaken to what the pages use; vue-echarts' <v-chart> needs these registered.
// The CSP build of vue-echarts: the server's CSP forbids the <style> element the default build injects.
import { use } from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, AriaComponent } from 'echarts/components'
import 'vue-echarts/csp/style.css'

use([CanvasRenderer, BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, MarkLineComponent, AriaComponent])
export { default as VChart } from 'vue-echarts/csp'
