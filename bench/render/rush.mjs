// bench/render: a menu page opened at once after signing in, as the journeys open them (before the console's idle
// prefetch has fetched anything), for two builds of the web app side by side (A and B, alternating by account, a fresh
// browser context and sign-in each): the page's time from the click to ready by the journeys' probe, and how much of it
// went on waiting for the page's code (the probe's "pushed"). Eight accounts per round, each once per TOTP step.
// Not part of `make test`.
// Usage: node bench/render/rush.mjs --a DIST_A --b DIST_B [--item admissions] [--rounds 3] [--db DB]
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { demoDb, fillSignIn, median, signInAB, warm } from './console.mjs'
import { renderProbe } from '../../tests/e2e/probe.mjs'
const args = process.argv.slice(2)
const opt = (n, d) => (args.includes(n) ? args[args.indexOf(n) + 1] : d)
const dists = { A: opt('--a'), B: opt('--b') }
const item = opt('--item', 'admissions')
const rounds = Number(opt('--rounds', 3))
const work = mkdtempSync(join(tmpdir(), 'qf-bench-rush-'))
const db = demoDb(work, opt('--db', null))
async function once(browser, url, user) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  await ctx.addInitScript(renderProbe)
  const page = await ctx.newPage()
  await fillSignIn(page, url, user)
  await warm(page)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => !u.pathname.includes('/login'))
  await page.locator(`[data-test=menu-${item}]`).click()
  await page.waitForFunction((p) => (window.__qfRenders ?? []).some((r) => r.path === p), `/console/${item}`)
  const r = await page.evaluate((p) => window.__qfRenders.find((r) => r.path === p), `/console/${item}`)
  await ctx.close()
  return r
}
const got = await signInAB(db, dists, rounds, once)
for (const v of ['A', 'B']) console.log(`${v} ${dists[v]}: ${got[v].length} opens of ${item}, median ${median(got[v].map((x) => x.ms))} ms, pushed median ${median(got[v].map((x) => x.detail.pushed))} ms`)
