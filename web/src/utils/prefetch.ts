// Fetching a page's code before it is opened, while the browser is idle: the console's frame fetches the vocabulary
// most pages label with and the pages its menu offers, the sign-in page the frame and the page signing in leads to.
// Opening one then waits for its own data only.
import type { RouteRecordNormalized } from 'vue-router'
import { requestsUnderWay, whenNoRequests } from '@/api/request'
import { whenIdle } from '@/utils/idle'

// F when the browser is next idle with no request of the app under way: it is "idle" while it waits for the page's
// answers, which come first (then it waits to be idle again).
export function whenSettled(f: () => void): void {
  whenIdle(() => (requestsUnderWay() ? whenNoRequests(() => whenSettled(f)) : f()))
}

// While a page is being opened, fetching waits (the page's own code comes first), then goes on when idle.
let opening = false
const held: (() => void)[] = []
export function openingPage(yes: boolean) {
  opening = yes
  if (!yes) held.splice(0).forEach((next) => next())
}

// The loaders of these route records' lazily loaded components (none for one already loaded).
export const codeOf = (records: RouteRecordNormalized[]) =>
  records.map((r) => r.components?.default).filter((c): c is () => Promise<unknown> => typeof c === 'function')

// The lazily loaded components of these route records, one after another, each when the browser is next idle: the
// sign-in page's, whose own requests are the person's steps, not a page's answers.
export const prefetchRoutes = (records: RouteRecordNormalized[]) => prefetch(codeOf(records), whenIdle)

// These loads (a page's code, data most pages share), one after another, each when no page is being opened, its
// requests are answered and the browser is idle (WHEN); a failed one is left for its page to ask again. One that was
// done already (a page of the one file fetched with the frame) took no time, and the next goes on at once.
export function prefetch(loads: (() => Promise<unknown>)[], when: (f: () => void) => void = whenSettled) {
  const loaders = [...loads]
  const next = () => {
    if (opening) return void held.push(() => when(next))
    const load = loaders.shift()
    if (!load) return
    const began = performance.now()
    load().catch(() => undefined).finally(() => (performance.now() - began < 1 ? next() : when(next)))
  }
  when(next)
}
