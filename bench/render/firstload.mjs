// bench/render: a first visit, nothing cached — the console's sign-in page at a desk (1366×768) and the portal's home
// on a phone (390×844) — in each language, for two builds of the web app side by side (A and B alternating, each on
// its own server over one demo file), timed by the browser's first contentful paint (the app draws its page in one
// go), with the render probe's figure for the sign-in page beside it (tests/e2e/probe.mjs). Not part of `make test`.
// Usage: node bench/render/firstload.mjs --a DIST_A --b DIST_B [--rounds 8] [--db DB]
//   (build each variant with scripts/build-web.sh and copy web/dist aside first)
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, demoDb, median, root, serve } from './console.mjs'
import { renderProbe } from '../../tests/e2e/probe.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const dists = { A: opt('--a', join(root, 'web/dist')), B: opt('--b', join(root, 'web/dist')) }
const rounds = Number(opt('--rounds', 8))
const db = demoDb(mkdtempSync(join(tmpdir(), 'qf-bench-firstload-')), opt('--db', null))
const fcp = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime

async function visit(browser, locale, context, go) {
  const ctx = await browser.newContext({ locale, ...context })
  await ctx.addInitScript((l) => localStorage.setItem('qf.locale', l), locale)
  await ctx.addInitScript(renderProbe)
  try {
    return await go(await ctx.newPage())
  } finally {
    await ctx.close()
  }
}

const servers = { A: await serve(db, dists.A), B: await serve(db, dists.B) }
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
const got = { A: { signin: [], probe: [], portal: [] }, B: { signin: [], probe: [], portal: [] } }
try {
  for (let r = 0; r < rounds; r++) {
    for (const v of r % 2 ? ['B', 'A'] : ['A', 'B']) {
      const { url } = servers[v]
      for (const locale of ['zh-CN', 'en']) {
        await visit(browser, locale, { viewport: { width: 1366, height: 768 } }, async (page) => {
          await page.goto(`${url}/console`)
          // Asked with plain evaluations until the probe has the page (a locator would inject a script into it).
          while (!(await page.evaluate(() => (window.__qfRenders ?? []).length > 0))) await page.waitForTimeout(20)
          // The paint's entry is reported once the frame is shown, which may come after the probe's two frames.
          while (!(await page.evaluate(fcp))) await page.waitForTimeout(20)
          got[v].signin.push(Math.round(await page.evaluate(fcp)))
          got[v].probe.push(await page.evaluate(() => window.__qfRenders[0].ms))
        })
        await visit(browser, locale, { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }, async (page) => {
          await page.goto(`${url}/`)
          while (!(await page.evaluate(fcp))) await page.waitForTimeout(20)
          got[v].portal.push(Math.round(await page.evaluate(fcp)))
        })
      }
    }
  }
  for (const v of ['A', 'B'])
    console.log(`${v} (${dists[v]}): ${got[v].signin.length} loads each — sign-in page first paint median ${median(got[v].signin)} ms ` +
      `(its probe ${median(got[v].probe)} ms), portal home on a phone first paint median ${median(got[v].portal)} ms`)
} finally {
  await browser.close()
  for (const s of Object.values(servers)) s.server.kill()
}
