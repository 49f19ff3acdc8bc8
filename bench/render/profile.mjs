// bench/render: where an open's main thread goes, by package, for two or more builds side by side. Each build gets its
// own server and demo database (so one account signs in to each in the same 30-second step) and the builds take turns
// page by page in one browser. Per open: a fresh context, sign in, Playwright's script injected (warm), then a V8 CPU
// profile (CDP Profiler, 100 µs sampling) from the menu click to the page ready (tests/e2e/probe.mjs), each sample
// charged to the package its function's source map names (vue:runtime-core, element-plus, intlify, the app…) — self and
// inclusive ms per open. Also per build: the ready median, the time from a fresh context to the menu drawn after
// signing in, and all Chromium processes' CPU (user+system, /proc) per scenario — a build that moves work out of the
// open shows where it went. Builds need source maps (vite build --sourcemap). Not part of `make test`.
// Usage: node bench/render/profile.mjs --dists A,B[,C] [--pages handler:exams,leader:fees,…] [--rounds 2] [--db DB] [--functions]
//   [--signin]   --signin profiles the first page after signing in instead: from the sign-in button to my work ready
//                (each --pages entry's account; its page is ignored).
import { mkdtempSync, readFileSync, readdirSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { chromium, demoDb, fillSignIn, median, root, serve, signIn, warm } from './console.mjs'
import { renderProbe } from '../../tests/e2e/probe.mjs'

// The web build's own toolchain carries it (Vue's compiler and PostCSS use it).
const { SourceMapConsumer } = createRequire(join(root, 'web/package.json'))('source-map-js')
const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const dists = opt('--dists', join(root, 'web/dist')).split(',')
const pages = opt('--pages', 'handler:exams,handler_yh:projects,supervisor:placement,principal_yh001:fees,leader:fees,clerk:admissions')
  .split(',').map((p) => p.split(':'))
const rounds = Number(opt('--rounds', 2))
// --functions charges each sample to its function (source file, line, name) instead of its package.
const byFunction = args.includes('--functions')
const signingIn = args.includes('--signin')

// A source file's package: node_modules/<pkg>, Vue's packages by name, vue-i18n and @intlify/* as one, else the app.
const packageOf = (src) => {
  if (!src) return '(unmapped)'
  const m = src.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)
  if (!m) return 'app'
  return m[1].replace(/^@intlify\/.*|^vue-i18n$/, 'intlify').replace(/^@vue\/(runtime-core|runtime-dom|reactivity|shared)$/, 'vue:$1')
}
// All Chromium processes' CPU so far, in ms (user + system; 100 ticks a second).
const chromiumCpu = () => {
  let ms = 0
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      if (!/chrom/.test(stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')))) continue
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      ms += (Number(f[11]) + Number(f[12])) * 10
    } catch { /* gone meanwhile */ }
  }
  return ms
}

const work = mkdtempSync(join(tmpdir(), 'qf-bench-profile-'))
const servers = []
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' })
const result = new Map(dists.map((d) => [d, { self: new Map(), incl: new Map(), opens: 0, js: 0, ready: [], toMenu: [], cpu: [] }]))
// A build's source maps, each read once: the original position (source file, line, name) of one in its chunks.
const maps = new Map()
const positionOf = (dist, file, line, column) => {
  const path = join(dist, 'assets', `${file}.map`)
  if (!maps.has(path)) maps.set(path, existsSync(path) ? new SourceMapConsumer(JSON.parse(readFileSync(path, 'utf8'))) : null)
  return line < 0 ? null : maps.get(path)?.originalPositionFor({ line: line + 1, column }) ?? null
}
try {
  for (const dist of dists) servers.push(await serve(demoDb(mkdtempSync(join(work, 'db-')), opt('--db', null)), dist))
  for (let r = 0; r < rounds; r++) {
    if (r) await new Promise((ok) => setTimeout(ok, 31000 - (Date.now() % 30000)))  // the next TOTP step
    for (const [user, menu] of pages) {
      for (const [i, dist] of dists.entries()) {
        const R = result.get(dist)
        const cpu0 = chromiumCpu(), t0 = Date.now()
        const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
        await ctx.addInitScript(renderProbe)
        const page = await ctx.newPage()
        if (signingIn) {
          await fillSignIn(page, servers[i].url, user)
        } else {
          await signIn(page, servers[i].url, user)
          await page.locator(`[data-test=menu-${menu}]`).waitFor()
          R.toMenu.push(Date.now() - t0)
        }
        await warm(page)
        const cdp = await ctx.newCDPSession(page)
        await cdp.send('Profiler.enable')
        await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
        await cdp.send('Profiler.start')
        await page.locator(signingIn ? '[data-test=login-submit]' : `[data-test=menu-${menu}]`).click()
        const opened = signingIn ? '/console' : `/console/${menu}`
        const got = await page.waitForFunction((p) => window.__qfRenders.find((x) => x.path === p), opened).then((h) => h.jsonValue())
        const { profile } = await cdp.send('Profiler.stop')
        await page.waitForTimeout(300)
        R.cpu.push(chromiumCpu() - cpu0)
        R.ready.push(got.ms)
        R.opens++
        const node = new Map(profile.nodes.map((n) => [n.id, n]))
        const parent = new Map()
        for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
        const keys = new Map()
        const keyOf = (id) => {
          if (!keys.has(id)) {
            const f = node.get(id).callFrame
            const at = f.url.includes('/assets/') ? positionOf(dist, f.url.split('/').pop(), f.lineNumber, f.columnNumber) : null
            const src = at?.source ?? null
            keys.set(id, !f.url.includes('/assets/') ? `(${f.functionName || 'native'})`
              : byFunction ? `${(src ?? '?').replace(/^.*node_modules\//, '').replace(/^.*\/src\//, '')}:${at?.line} ${at?.name ?? f.functionName}`
              : packageOf(src))
          }
          return keys.get(id)
        }
        profile.samples.forEach((id, s) => {
          const ms = (profile.timeDeltas[s + 1] ?? 0) / 1000
          if (node.get(id).callFrame.functionName === '(idle)') return
          R.self.set(keyOf(id), (R.self.get(keyOf(id)) ?? 0) + ms)
          const seen = new Set()
          for (let cur = id; cur !== undefined; cur = parent.get(cur)) seen.add(keyOf(cur))
          for (const k of seen) R.incl.set(k, (R.incl.get(k) ?? 0) + ms)
          R.js += ms
        })
        await ctx.close()
      }
    }
  }
} finally {
  await browser.close()
  for (const s of servers) s.server.kill()
  rmSync(work, { recursive: true, force: true })
}
const col = (f) => dists.map((d) => String(f(result.get(d))).padStart(16)).join('')
console.log('build'.padEnd(24) + dists.map((d) => d.slice(-16).padStart(16)).join(''))
console.log('ready, median ms'.padEnd(24) + col((R) => median(R.ready)))
if (!signingIn) console.log('to the menu, median ms'.padEnd(24) + col((R) => median(R.toMenu)))
console.log('Chromium CPU, median ms'.padEnd(24) + col((R) => median(R.cpu)))
console.log('sampled, ms an open'.padEnd(24) + col((R) => (R.js / R.opens).toFixed(1)))
console.log('self/inclusive ms an open, by package:')
const first = result.get(dists[0])
for (const k of [...first.incl.keys()].sort((a, b) => first.incl.get(b) - first.incl.get(a)).slice(0, byFunction ? 60 : 20))
  console.log(`  ${k.slice(0, byFunction ? 70 : 22).padEnd(byFunction ? 70 : 22)}` + col((R) => `${((R.self.get(k) ?? 0) / R.opens).toFixed(1)}/${((R.incl.get(k) ?? 0) / R.opens).toFixed(1)}`))
