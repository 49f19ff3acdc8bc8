// Prints the built JavaScript and CSS by chunk (raw and gzip) and holds the portal's first load to its budget:
// the entry, the portal layout and the home page with everything they import statically, and one language's
// messages, under 300 kB of gzipped JavaScript, and none of ECharts (the console's dashboards load it on demand).
// Each console page, loaded first (the entry, the console layout and the page with their static imports, and the
// language), is held to its own budget.
// Usage: node scripts/sizes.mjs [--quiet]   (exit 1 when over budget)
import { readFileSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join } from 'node:path'

const dist = new URL('../dist/', import.meta.url).pathname
const manifest = JSON.parse(readFileSync(join(dist, '.vite/manifest.json'), 'utf8'))
const budgetJs = 300 * 1024
const quiet = process.argv.includes('--quiet')

const size = (file) => {
  const buf = readFileSync(join(dist, file))
  return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length }
}
const kb = (n) => `${(n / 1024).toFixed(1)} kB`

// Everything a manifest key loads before it runs: its file, its static imports, their CSS.
function closure(keys) {
  const seen = new Set()
  const files = new Set()
  const visit = (k) => {
    if (seen.has(k)) return
    seen.add(k)
    const m = manifest[k]
    if (!m) throw new Error(`not in the manifest: ${k}`)
    files.add(m.file)
    for (const c of m.css ?? []) files.add(c)
    for (const i of m.imports ?? []) visit(i)
  }
  keys.forEach(visit)
  return [...files]
}

if (!quiet) {
  const rows = Object.values(manifest)
    .flatMap((m) => [m.file, ...(m.css ?? [])])
    .filter((f, i, a) => a.indexOf(f) === i)
    .map((f) => ({ f, ...size(f) }))
    .sort((a, b) => b.gzip - a.gzip)
  console.log('chunk'.padEnd(58), 'raw'.padStart(10), 'gzip'.padStart(10))
  for (const r of rows) console.log(r.f.padEnd(58), kb(r.raw).padStart(10), kb(r.gzip).padStart(10))
}

// The language in use: its messages are fetched as the app starts (src/i18n.ts), the heavier language counted here;
// neither may be in the entry's static imports (the two were half of its script).
const languages = ['src/locales/zh-CN/index.ts', 'src/locales/en/index.ts']
const language = languages.map((k) => ({ k, gzip: closure([k]).reduce((s, f) => s + size(f).gzip, 0) })).sort((a, b) => b.gzip - a.gzip)[0].k
const portal = closure(['index.html', 'src/layouts/PortalLayout.vue', 'src/views/portal/home/index.vue', language])
const js = portal.filter((f) => f.endsWith('.js'))
const css = portal.filter((f) => f.endsWith('.css'))
const jsGzip = js.reduce((s, f) => s + size(f).gzip, 0)
const cssGzip = css.reduce((s, f) => s + size(f).gzip, 0)
console.log(`portal first load: ${js.length} scripts ${kb(jsGzip)} gzip (budget ${kb(budgetJs)}), ${css.length} stylesheets ${kb(cssGzip)} gzip`)
const problems = []
if (jsGzip > budgetJs) problems.push(`portal JavaScript ${kb(jsGzip)} is over the ${kb(budgetJs)} budget`)
const echarts = js.filter((f) => readFileSync(join(dist, f), 'utf8').includes('echarts'))
if (echarts.some((f) => f.includes('echarts'))) problems.push(`ECharts is in the portal's first load: ${echarts.join(', ')}`)
const consoleChunks = Object.keys(manifest).filter((k) => k.startsWith('src/views/console/'))
if (consoleChunks.some((k) => portal.includes(manifest[k].file))) problems.push('a console page is in the portal first load')
if (languages.some((k) => closure(['index.html']).includes(manifest[k].file))) problems.push("a language's messages are in the entry's static imports")
// The console at a 1366×768 desk on the bureau's network: any main page opened first.
const budgetConsoleJs = 450 * 1024
const budgetConsoleCss = 80 * 1024
// The pages opened alone (the sign-in page, the dashboard) and the one file of all the others (src/views/console/pages.ts).
const pages = Object.keys(manifest).filter((k) => /^src\/views\/console\/([^/]+\/[^/]+\.vue|pages\.ts)$/.test(k))
let heaviest = { page: '', js: 0, css: 0 }
for (const page of pages) {
  const files = closure(['index.html', 'src/layouts/ConsoleLayout.vue', page, language])
  const pj = files.filter((f) => f.endsWith('.js')).reduce((s, f) => s + size(f).gzip, 0)
  const pc = files.filter((f) => f.endsWith('.css')).reduce((s, f) => s + size(f).gzip, 0)
  if (pj > heaviest.js) heaviest = { page, js: pj, css: pc }
  if (pj > budgetConsoleJs) problems.push(`console ${page}: JavaScript ${kb(pj)} is over the ${kb(budgetConsoleJs)} budget`)
  if (pc > budgetConsoleCss) problems.push(`console ${page}: CSS ${kb(pc)} is over the ${kb(budgetConsoleCss)} budget`)
}
console.log(`console pages: ${pages.length}, heaviest first load ${heaviest.page} ${kb(heaviest.js)} JS, ${kb(heaviest.css)} CSS gzip (budgets ${kb(budgetConsoleJs)}, ${kb(budgetConsoleCss)})`)
if (problems.length) {
  console.error(problems.join('\n'))
  process.exit(1)
}
