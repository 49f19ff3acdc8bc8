// bench/render: what the render benchmarks share — the demo database, a server on a free loopback port, Debian's
// chromium, and signing a demo account in through the console's own form (password, then the second factor).
import { execFileSync, spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { totp } from './totp.mjs'

export const root = resolve(new URL('../..', import.meta.url).pathname)
export const { chromium } = createRequire(join(root, 'web/package.json'))('playwright-core')

// A copy of the demo database in WORK (tests/lib/qfserver.py builds it), or DB when given.
export function demoDb(work, db = null) {
  return db ?? execFileSync('python3', [join(root, 'tests/lib/qfserver.py'), 'demo', join(root, 'build/qingfeng'), work], { encoding: 'utf8' }).trim().split('\n').pop()
}

// The server on DB serving the web app from DIST; resolves to { server, url } once it listens.
export async function serve(db, dist = join(root, 'web/dist')) {
  const server = spawn(join(root, 'build/qingfeng'), ['--data', join(root, 'data'), 'serve', '--db', db, '--listen', '127.0.0.1:0', '--web', dist, '--log-level', 'warn'], { stdio: ['ignore', 'pipe', 'inherit'] })
  const url = await new Promise((ok) => { let out = ''; server.stdout.on('data', (d) => { out += d; const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out); if (m) ok(m[1]) }) })
  return { server, url }
}

// The console's sign-in form up to the second factor filled in; the caller presses [data-test=login-submit] (so
// that it can time or profile from there). Each account may use each 30-second code once.
export async function fillSignIn(page, url, user) {
  await page.goto(`${url}/console`)
  await page.locator('input[data-test=username], [data-test=username] input').fill(user)
  await page.locator('input[type=password]').fill('Qingfeng#2026')
  await page.locator('[data-test=login-next]').click()
  await page.locator('input[data-test=totp], [data-test=totp] input').fill(totp())
}

export async function signIn(page, url, user) {
  await fillSignIn(page, url, user)
  await page.locator('[data-test=login-submit]').click()
  await page.waitForURL((u) => !u.pathname.includes('/login'))
}

// Playwright injects its own script into a page's main world at the first waitForFunction there: 13–20 ms of parse and
// run on the page's main thread. Done before a timed click, so that it does not land inside the open it times.
export const warm = (page) => page.waitForFunction(() => true)
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]

// Two builds of the web app side by side on one demo file: each round signs in eight accounts, four against A and four
// against B (swapped the next round, one server at a time), calling ONCE(browser, url, user) for each, then waits for
// the next 30-second step (each account signs in once per step). Resolves to { A: [...], B: [...] } of what ONCE returned.
// With ONLY (account names), those accounts sign in to both builds each round, each build on its own demo file (DB is
// then { A, B }).
export async function signInAB(db, dists, rounds, once, only = null) {
  const groups = only ? [only, only] : [['clerk', 'handler', 'handler_yh', 'handler_fin'], ['supervisor', 'leader', 'head_yh', 'principal_yh001']]
  const dbs = typeof db === 'string' ? { A: db, B: db } : db
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' })
  const got = { A: [], B: [] }
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [variant, users] of [['A', groups[r % 2]], ['B', groups[(r + 1) % 2]]]) {
        const { server, url } = await serve(dbs[variant], dists[variant])
        try {
          for (const u of users) got[variant].push(await once(browser, url, u))
        } finally {
          server.kill()
          await new Promise((ok) => server.on('exit', ok))
        }
      }
      if (r + 1 < rounds) await new Promise((ok) => setTimeout(ok, 31000 - (Date.now() % 30000)))
    }
  } finally {
    await browser.close()
  }
  return got
}
