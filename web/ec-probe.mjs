import * as echarts from 'echarts'
const codes = ['energy','water']
const opt = {
    tooltip: { trigger: 'axis' },
    grid: { left: 150, right: 30, top: 10, bottom: 30 },
    xAxis: { type: 'value' },
    yAxis: { type: 'category', inverse: true, data: ['能源','水'] },
    series: [{ type: 'bar', name: 'x', data: [{ value: 952, itemStyle: { color: '#d62728' } }, { value: 300, itemStyle: { color: '#1f77b4' } }], label: { show: true, position: 'right' } }],
}
const c = echarts.init(null, null, { renderer: 'svg', ssr: true, width: 600, height: 300 })
c.setOption({ ...opt, yAxis: { ...opt.yAxis, data: [] }, series: [{ ...opt.series[0], data: [] }] })
c.setOption(opt)
const svg = c.renderToSVGString()
console.log(svg.length, (svg.match(/<path/g) || []).length, svg.includes('能源'))
