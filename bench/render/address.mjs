// bench/render: the case list opened by its address in a new tab while signed in (a bookmark, a link from a message):
// from the navigation's start to its first row drawn, the whole console loaded afresh from the browser's cache, for
// two builds of the web app (A and B, two accounts each, five tabs per account). Not part of `make test`.
// Usage: node bench/render/address.mjs --a DIST_A --b DIST_B [--db DB]
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, demoDb, serve, signIn, median } from './console.mjs'
const args = process.argv.slice(2)
const opt = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d)
const dists = { A: opt('--a'), B: opt('--b') }
const work = mkdtempSync(join(tmpdir(), 'qf-bench-address-'))
const db = demoDb(work, opt('--db', null))
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
const got = { A: [], B: [] }
try {
  for (const [v, user] of [['A', 'supervisor'], ['B', 'leader'], ['B', 'clerk'], ['A', 'handler']]) {
    const { server, url } = await serve(db, dists[v])
    try {
      const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
      const page = await ctx.newPage()
      await signIn(page, url, user)
      await page.waitForLoadState('networkidle')
      for (let i = 0; i < 5; i++) {
        const p = await ctx.newPage()  // a new tab: the browser's cache warm, nothing in memory
        await p.goto(`${url}/console/cases`)
        await p.locator('.case-table tbody tr').first().waitFor()
        const ms = await p.evaluate(() => Math.round(performance.now()))
        got[v].push(ms)
        await p.close()
      }
      await ctx.close()
    } finally { server.kill(); await new Promise((ok) => server.on('exit', ok)) }
  }
} finally { await browser.close() }
for (const v of ['A', 'B']) console.log(`${v} ${dists[v]}: ${got[v].length} loads of /console/cases by address, median ${median(got[v])} ms (${got[v].join(' ')})`)
