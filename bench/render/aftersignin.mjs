// bench/render: a console page opened from the menu at once after signing in — as the journeys open most pages, while
// the first page's answers and the frame's counts may still be coming — timed by the journeys' render probe
// (tests/e2e/probe.mjs) and traced: the main thread's self time by trace event in the open (V8's compile events, Vue's
// work in RunMicrotasks, layout, paint), and with --tasks each task over 3 ms. One browser, one page at a time, the
// demo database, 1366×768, a fresh browser context per open (no code cache, as in the journeys). Each account signs in
// once per 30-second TOTP step: the rounds wait for the next step. With --dists A,B the builds take turns page by page,
// each with its own server and demo database (one account signs in to each in the same step). Not part of `make test`.
// Usage: node bench/render/aftersignin.mjs [--dist web/dist | --dists A,B] [--db DB] [--rounds 1] [--idle MS] [--tasks] [--detail]
//   [--pages handler:exams,handler_yh:projects,supervisor:placement,principal_yh001:fees,leader:fees,clerk:admissions]
//   --idle MS waits that long after signing in before the click (the menu's pages' code fetched meanwhile).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, demoDb, median, root, serve, signIn, warm } from './console.mjs'
import { renderProbe } from '../../tests/e2e/probe.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const pages = opt('--pages', 'handler:exams,handler_yh:projects,supervisor:placement,principal_yh001:fees,leader:fees,clerk:admissions')
  .split(',').map((p) => p.split(':'))
const rounds = Number(opt('--rounds', 1)), idle = Number(opt('--idle', 0))
const categories = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'disabled-by-default-v8.compile', 'v8', 'blink', 'loading']

// The renderer's main thread's complete events from the click to READY_MS after it, each with its self time.
function mainThread(events, readyMs) {
  const calls = new Map()
  for (const e of events) if (e.name === 'FunctionCall') calls.set(`${e.pid}:${e.tid}`, (calls.get(`${e.pid}:${e.tid}`) ?? 0) + 1)
  const main = [...calls].sort((a, b) => b[1] - a[1])[0][0]
  const mine = events.filter((e) => `${e.pid}:${e.tid}` === main)
  const start = Math.min(...mine.filter((e) => e.name === 'EventDispatch' && e.args?.data?.type === 'click').map((e) => e.ts))
  const end = start + readyMs * 1000
  const xs = mine.filter((e) => e.ph === 'X' && e.dur && e.ts >= start && e.ts <= end).sort((a, b) => a.ts - b.ts || b.dur - a.dur)
  const stack = [], self = new Map()
  for (const e of xs) {
    while (stack.length && stack.at(-1).ts + stack.at(-1).dur <= e.ts) stack.pop()
    if (stack.length) self.set(stack.at(-1), (self.get(stack.at(-1)) ?? stack.at(-1).dur) - e.dur)
    stack.push(e)
  }
  return { start, xs, self: (e) => (self.get(e) ?? e.dur) / 1000 }
}
const top = (m, n) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')

const work = mkdtempSync(join(tmpdir(), 'qf-bench-aftersignin-'))
const dists = opt('--dists', opt('--dist', join(root, 'web/dist'))).split(',')
const servers = []
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
const ready = new Map()
try {
  for (const dist of dists) servers.push(await serve(demoDb(mkdtempSync(join(work, 'db-')), opt('--db', null)), dist))
  for (let r = 0; r < rounds; r++) {
    if (r) await new Promise((ok) => setTimeout(ok, 31000 - (Date.now() % 30000)))
    for (const [user, menu] of pages) for (const [i, { url }] of (r % 2 ? [...servers.entries()].reverse() : [...servers.entries()])) {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
      await ctx.addInitScript(renderProbe)
      const page = await ctx.newPage()
      await signIn(page, url, user)
      await page.locator(`[data-test=menu-${menu}]`).waitFor()
      await warm(page)
      if (idle) await page.waitForTimeout(idle)
      const file = join(work, `${user}-${menu}-${i}.json`)
      await browser.startTracing(page, { path: file, categories })
      await page.locator(`[data-test=menu-${menu}]`).click()
      const got = await page.waitForFunction((p) => window.__qfRenders.find((x) => x.path === p), `/console/${menu}`).then((h) => h.jsonValue())
      await browser.stopTracing()
      const { start, xs, self } = mainThread(JSON.parse(readFileSync(file, 'utf8')).traceEvents, got.ms)
      const by = new Map()
      for (const e of xs) by.set(e.name, (by.get(e.name) ?? 0) + self(e))
      const key = `${user}:${menu}${dists.length > 1 ? ` [${dists[i].slice(-16)}]` : ''}`
      ready.set(key, [...(ready.get(key) ?? []), got.ms])
      console.log(`${key}: ready ${got.ms} ms; main thread: ${top(by, 12)}`)
      if (args.includes('--detail')) console.log(`  ${JSON.stringify(got.detail)}`)
      if (args.includes('--tasks')) {
        for (const t of xs.filter((e) => e.name === 'RunTask' && e.dur > 3000)) {
          const inner = new Map()
          for (const e of xs) if (e !== t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur) inner.set(e.name, (inner.get(e.name) ?? 0) + self(e))
          console.log(`  @${((t.ts - start) / 1000).toFixed(0)} ms, ${(t.dur / 1000).toFixed(0)} ms: ${top(inner, 6)}`)
        }
      }
      await ctx.close()
    }
  }
} finally {
  await browser.close()
  for (const s of servers) s.server.kill()
  rmSync(work, { recursive: true, force: true })
}
for (const [key, ms] of [...ready].sort()) console.log(`${key}: median ${median(ms)} ms (${ms.join('/')})`)
for (const dist of dists.length > 1 ? dists : []) {
  const all = [...ready].filter(([k]) => k.endsWith(`[${dist.slice(-16)}]`)).flatMap(([, ms]) => ms)
  console.log(`${dist}: every open, median ${median(all)} ms (${all.length} opens)`)
}
