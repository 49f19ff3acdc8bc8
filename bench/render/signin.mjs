// bench/render: the first console page after signing in — from the sign-in button to "my work" ready (the render
// probe's measure, tests/e2e/probe.mjs: the route changed, the page's requests answered, two frames painted) — in a
// real browser, for two builds of the web app side by side (A and B, alternating by account), with the main thread's
// busy time from a CPU profile. Each account signs in once per 30-second TOTP step, so each round uses eight accounts
// (four per build, swapped the next round) and waits for the next step. Not part of `make test`.
// Usage: node bench/render/signin.mjs --a DIST_A --b DIST_B [--rounds 3] [--db DB] [--users clerk,supervisor]
//   --users: only these accounts, each signing in to both builds every round (each build on its own demo file).
//   (build each variant with scripts/build-web.sh and copy web/dist aside first)
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { demoDb, fillSignIn, median, root, signInAB, warm } from './console.mjs'
import { renderProbe } from '../../tests/e2e/probe.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const dists = { A: opt('--a', join(root, 'web/dist')), B: opt('--b', join(root, 'web/dist')) }
const rounds = Number(opt('--rounds', 3))
const work = mkdtempSync(join(tmpdir(), 'qf-bench-signin-'))
const users = opt('--users', null)?.split(',') ?? null
const db = users ? { A: demoDb(mkdtempSync(join(work, 'a-'))), B: demoDb(mkdtempSync(join(work, 'b-'))) } : demoDb(work, opt('--db', null))

async function once(browser, url, user) {
  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })
  await ctx.addInitScript(renderProbe)
  const page = await ctx.newPage()
  await fillSignIn(page, url, user)
  await warm(page)
  await page.evaluate(() => window.__qfRenders.splice(0))
  const cdp = await ctx.newCDPSession(page)
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.start')
  await page.locator('[data-test=login-submit]').click()
  const ready = await page.waitForFunction(() => window.__qfRenders.find((r) => r.path !== '/console/login'))
    .then((h) => h.jsonValue())
  await page.waitForTimeout(500)  // the frame's counts, asked when idle, are in the profile too
  const { profile } = await cdp.send('Profiler.stop')
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  let busy = 0
  profile.samples.forEach((id, i) => { if (byId.get(id).callFrame.functionName !== '(idle)') busy += (profile.timeDeltas[i] ?? 0) / 1000 })
  await ctx.close()
  return { ready: ready.ms, busy: Math.round(busy) }
}

const got = await signInAB(db, dists, rounds, once, users)
for (const v of ['A', 'B'])
  console.log(`${v} (${dists[v]}): ${got[v].length} sign-ins, ready median ${median(got[v].map((x) => x.ready))} ms, ` +
    `main thread busy median ${median(got[v].map((x) => x.busy))} ms`)
