// bench/render: how long a console page takes to be ready in a real browser once its code is loaded (the journeys'
// render probe also counts first visits right after sign-in, when a page's code may still be on its way), and a
// 100-row page of the case list. Debian's chromium at 1366×768, the demo database, one browser; times from the click
// to the rows drawn and two frames painted, each page opened N times from another page of the menu after 3 s idle.
// Not part of `make test`.
// Usage: node bench/render/open.mjs [--db DB] [--as USER] [--page MENU] [--away MENU] [--hundred] [-n 5]
//   node bench/render/open.mjs --as admin --page pools --away accounts
//   node bench/render/open.mjs --hundred            (the supervisor's case list at 100 rows a page)
import { execFileSync, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { totp } from './totp.mjs'

const root = resolve(new URL('../..', import.meta.url).pathname)
const { chromium } = createRequire(join(root, 'web/package.json'))('playwright-core')
const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const hundred = args.includes('--hundred')
const user = opt('--as', 'supervisor'), target = opt('--page', 'cases'), away = opt('--away', 'work'), n = Number(opt('-n', 5))

const work = mkdtempSync(join(tmpdir(), 'qf-bench-render-'))
const db = opt('--db', null) ?? execFileSync('python3', [join(root, 'tests/lib/qfserver.py'), 'demo', join(root, 'build/qingfeng'), work], { encoding: 'utf8' }).trim().split('\n').pop()
const server = spawn(join(root, 'build/qingfeng'), ['--data', join(root, 'data'), 'serve', '--db', db, '--listen', '127.0.0.1:0', '--web', join(root, 'web/dist'), '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] })
const url = await new Promise((ok) => { let out = ''; server.stdout.on('data', (d) => { out += d; const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out); if (m) ok(m[1]) }) })

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })).newPage()
  await page.goto(`${url}/console`)
  await page.locator('input[data-test=username], [data-test=username] input').fill(user)
  await page.locator('input[type=password]').fill('Qingfeng#2026')
  await page.locator('[data-test=login-next]').click()
  await page.locator('input[data-test=totp], [data-test=totp] input').fill(totp())
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => !u.pathname.includes('/login'))
  const times = []
  for (let i = 0; i < n; i++) {
    if (hundred) {
      await page.locator('[data-test=menu-cases]').click()
      await page.locator('[data-test=case-link]').first().waitFor()
      await page.waitForTimeout(1000)
      await page.locator('[data-test=page-size]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '100' }).first().waitFor()
    } else {
      await page.locator(`[data-test=menu-${away}]`).click()
      await page.waitForTimeout(3000)
    }
    times.push(await page.evaluate(({ hundred, target }) => new Promise((done) => {
      const start = performance.now()
      if (hundred) [...document.querySelectorAll('.el-select-dropdown__item')].find((e) => e.checkVisibility() && /100/.test(e.textContent)).click()
      else document.querySelector(`[data-test=menu-${target}]`).click()
      // Ready: the route is the target's and the rows are drawn (a table's rows, or 100 case links).
      const ready = () => (hundred ? document.querySelectorAll('[data-test=case-link]').length >= 100
        : location.pathname.endsWith(target === 'work' ? '/console' : `/${target}`) && document.querySelectorAll('.main tbody tr').length > 0)
      const poll = () => (ready() ? requestAnimationFrame(() => requestAnimationFrame(() => done(Math.round(performance.now() - start)))) : requestAnimationFrame(poll))
      requestAnimationFrame(poll)
    }), { hundred, target }))
    if (hundred) {
      await page.locator('[data-test=page-size]').click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: '20' }).first().click()
    }
  }
  const sorted = [...times].sort((a, b) => a - b)
  console.log(`${hundred ? 'case list, 100 rows' : `${user}: ${target}`}: ${times.join(' ')} ms (median ${sorted[Math.floor((n - 1) / 2)]})`)
} finally {
  await browser.close()
  server.kill()
  rmSync(work, { recursive: true, force: true })
}
