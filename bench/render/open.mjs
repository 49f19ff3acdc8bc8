// bench/render: how long a console page takes to be ready in a real browser once its code is loaded (the journeys'
// render probe also counts first visits right after sign-in, when a page's code may still be on its way), and a
// 100-row page of the case list. Debian's chromium at 1366×768, the demo database, one browser; times from the click
// to the rows drawn and two frames painted, each page opened N times from another page of the menu after 3 s idle.
// Not part of `make test`.
// Usage: node bench/render/open.mjs [--db DB] [--dist web/dist] [--as USER] [--page MENU] [--away MENU] [--hundred] [-n 5]
//   node bench/render/open.mjs --as admin --page pools --away accounts
//   node bench/render/open.mjs --hundred            (the supervisor's case list at 100 rows a page)
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, demoDb, median, root, serve, signIn } from './console.mjs'

const args = process.argv.slice(2)
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt)
const hundred = args.includes('--hundred')
const user = opt('--as', 'supervisor'), target = opt('--page', 'cases'), away = opt('--away', 'work'), n = Number(opt('-n', 5))

const work = mkdtempSync(join(tmpdir(), 'qf-bench-render-'))
const db = demoDb(work, opt('--db', null))
const { server, url } = await serve(db, opt('--dist', join(root, 'web/dist')))

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
try {
  const page = await (await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'zh-CN' })).newPage()
  await signIn(page, url, user)
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
  console.log(`${hundred ? 'case list, 100 rows' : `${user}: ${target}`}: ${times.join(' ')} ms (median ${median(times)})`)
} finally {
  await browser.close()
  server.kill()
  rmSync(work, { recursive: true, force: true })
}
