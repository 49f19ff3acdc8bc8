// bench/render: every console page each role's menu offers, opened from the menu in a real browser and timed by the
// journeys' render probe (tests/e2e/probe.mjs: from the click to the route changed, every request it made answered
// and two frames painted). One browser, one page open at a time, the demo database, 1366×768. The first round is
// each page's first visit after signing in (its data never fetched; its code fetched while the browser was idle, as
// the console does); the later rounds open it again from the page before it in the menu. Not part of `make test`:
// the journeys print the same probe's figures while two lanes run beside each other.
// Usage: node bench/render/menu.mjs [--db DB] [--dist web/dist] [--as clerk,handler,…] [--rounds 3] [--locale zh-CN]
//   [--pause 1000] [--out build/render-menu.json]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { renderProbe } from '../../tests/e2e/probe.mjs'
import { chromium, demoDb, median, root, serve, signIn, warm } from './console.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const users = opt('--as', 'clerk,handler,handler_yh,supervisor,leader,admin,inspector').split(',')
const rounds = Number(opt('--rounds', 3)), locale = opt('--locale', 'zh-CN'), pause = Number(opt('--pause', 1000))

const work = mkdtempSync(join(tmpdir(), 'qf-bench-menu-'))
const { server, url } = await serve(demoDb(work, opt('--db', null)), opt('--dist', join(root, 'web/dist')))
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
const rows = []  // { user, page, first, warm: [ms…] }
try {
  for (const user of users) {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale })
    await ctx.addInitScript(renderProbe)
    const page = await ctx.newPage()
    await signIn(page, url, user)
    await page.waitForLoadState('networkidle')
    await page.waitForTimeout(2000)  // the menu's pages' code is fetched while the browser is idle
    const items = await page.locator('[data-test^=menu-]:not([data-test=menu-work-count])').evaluateAll((els) => els.map((e) => ({ test: e.dataset.test, active: e.classList.contains('is-active') })))
    const here = await page.evaluate(() => location.pathname)
    // Start from the page after the one signing in lands on, so that every click is a navigation.
    const landed = Math.max(0, items.findIndex((i) => i.active))
    const order = [...items.slice(landed + 1), ...items.slice(0, landed + 1)].map((i) => i.test)
    const byPage = new Map(order.map((i) => [i, []]))
    await warm(page)
    await page.evaluate(() => window.__qfRenders.splice(0))
    for (let r = 0; r < rounds; r++) {
      for (const item of order) {
        await page.locator(`[data-test=${item}]`).click()
        const got = await page.waitForFunction(() => window.__qfRenders.length && window.__qfRenders.splice(0), null, { timeout: 30000 }).then((h) => h.jsonValue())
        byPage.get(item).push(got[got.length - 1].ms)
        await page.waitForTimeout(pause)
      }
    }
    for (const [item, ms] of byPage) rows.push({ user, page: item.replace(/^menu-/, ''), first: ms[0], warm: ms.slice(1) })
    console.log(`${user} (landed on ${here}): ` + [...byPage].map(([i, ms]) => `${i.replace(/^menu-/, '')} ${ms.join('/')}`).join(', '))
    await ctx.close()
  }
} finally {
  await browser.close()
  server.kill()
  rmSync(work, { recursive: true, force: true })
}
const firsts = rows.map((r) => r.first), warms = rows.flatMap((r) => r.warm)
console.log(`first visits: ${firsts.length}, median ${median(firsts)} ms, ${firsts.filter((m) => m > 300).length} over 300 ms`)
if (warms.length) console.log(`later visits: ${warms.length}, median ${median(warms)} ms, ${warms.filter((m) => m > 300).length} over 300 ms`)
for (const r of [...rows].sort((a, b) => b.first - a.first).slice(0, 10))
  console.log(`  ${r.user} ${r.page}: first ${r.first} ms, later ${r.warm.join('/') || '-'}`)
writeFileSync(opt('--out', join(root, 'build/render-menu.json')), JSON.stringify({ locale, rounds, rows }, null, 2))
