// Draws the soak's samples (bench/soak/run.py's CSV) as one PNG: resident memory (all, and the server's own without
// the database file's mapped pages), open files and the WAL's size
// over time, and each kind's p99. ECharts (the web app's chart library) renders SVG on the server side; Debian's
// chromium (playwright-core, as the browser journeys use it) turns the SVG into a PNG.
// Usage: node bench/soak/plot.mjs soak.csv soak.png
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

const root = resolve(new URL('../..', import.meta.url).pathname)
const require = createRequire(join(root, 'web/package.json'))
const echarts = require('echarts')
const { chromium } = require('playwright-core')

const [csvPath, pngPath] = process.argv.slice(2)
const [head, ...lines] = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/)
const cols = head.split(',')
const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v === '' ? null : Number(v)])))
const kinds = cols.filter((c) => c.endsWith('_p99')).map((c) => c.slice(0, -4))
const width = 1200
const height = 800
const series = (name, key, axis, grid) => ({ name, type: 'line', showSymbol: false, xAxisIndex: grid, yAxisIndex: axis,
  data: rows.map((r) => [r.seconds, r[key]]) })

const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height })
chart.setOption({
  animation: false,
  backgroundColor: '#fff',
  title: [{ text: 'Soak: server resources', left: 'center', top: 4 }, { text: 'p99 per kind (ms)', left: 'center', top: 404 }],
  legend: [{ top: 30, data: ['RSS (MB)', 'own memory (MB)', 'open files', 'WAL (MB)'] }, { top: 430, data: kinds }],
  grid: [{ top: 70, height: 290, left: 70, right: 70 }, { top: 470, height: 290, left: 70, right: 70 }],
  xAxis: [0, 1].map((gridIndex) => ({ type: 'value', gridIndex, name: 'seconds', nameLocation: 'middle', nameGap: 24 })),
  yAxis: [{ type: 'value', gridIndex: 0, name: 'MB / files' }, { type: 'value', gridIndex: 0, name: 'WAL MB', position: 'right' },
    { type: 'log', gridIndex: 1, name: 'ms' }],
  series: [series('RSS (MB)', 'rss_mb', 0, 0), series('own memory (MB)', 'anon_mb', 0, 0), series('open files', 'open_files', 0, 0),
    series('WAL (MB)', 'wal_mb', 1, 0),
    ...kinds.map((k) => ({ ...series(k, `${k}_p99`, 2, 1), data: rows.filter((r) => r[`${k}_p99`] > 0).map((r) => [r.seconds, r[`${k}_p99`]]) }))],
})
const svg = chart.renderToSVGString()
chart.dispose()

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] })
const page = await browser.newPage({ viewport: { width, height } })
await page.setContent(`<html><body style="margin:0">${svg}</body></html>`)
await page.screenshot({ path: pngPath })
await browser.close()
console.log(`plot: ${pngPath}`)
