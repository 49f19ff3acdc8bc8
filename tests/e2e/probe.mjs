// Render time: from the click (or key) that opens a console page to the page ready — the route changed, every
// request it made answered and read (and any it made then), and two frames painted — recorded in the page by an init
// script and read at each photograph by the journeys (tests/e2e/run.mjs), which print it per page at the end and write
// build/e2e/render.json, and by bench/render/menu.mjs. A measurement, not a check (the machine is shared):
// docs/PERFORMANCE.md quotes it. In the journeys each open stops the other lanes' browsers until it is recorded.
// Runs inside the page (an init script): it may use nothing from this module.
export function renderProbe() {
  const out = []
  window.__qfRenders = out
  // Resolves once an open of PATH is recorded: the journeys wait on it in one evaluation rather than asking again and
  // again inside the drawing they wait for.
  const waits = []
  window.__qfDrawn = (path) => new Promise((done) => (out.some((r) => r.path === path) ? done() : waits.push([path, done])))
  let pending = 0
  let clickAt = -1e9
  let nav = null
  let early = []  // requests made after the click and before the route changed (asked ahead for the page)
  // The journeys' lanes (tests/e2e/run.mjs laneHold): an open is held from its click on a link or a form's submit
  // button (or, for another button that opens a page, from the route's change) until it is recorded, and the other
  // lanes' browsers are stopped meanwhile. Absent in the benches, which run one browser.
  // ON with the open's start on the epoch clock (a lane stopped after it began is let go again: run.mjs holdLanes).
  const hold = (on, since) => window.__qfHold?.(on, performance.timeOrigin + since).catch(() => undefined)
  let unheld = 0
  let heldAt = null
  const clicked = (e) => {
    clickAt = performance.now()
    early = []
    if (!nav && e.target instanceof Element && e.target.closest('a[href], button[type=submit]')) {
      hold(true, clickAt)
      heldAt = clickAt
      clearTimeout(unheld)
      unheld = setTimeout(() => { if (!nav) hold(false, 0) }, 300)  // a link or form that opened no console page
    }
  }
  addEventListener('click', clicked, true)
  addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') clicked(e) }, true)
  const settle = () => {
    if (!nav || pending) return
    const n = nav
    nav = null
    const answered = performance.now()
    requestAnimationFrame(() => requestAnimationFrame(() => {
      if (!nav) hold(false, 0)
      const end = performance.now()
      out.push({ path: n.path, ms: Math.round(end - n.start), answered: Math.round(answered - n.start), at: performance.timeOrigin + n.start,
        detail: { pushed: Math.round(n.pushed - n.start), held: n.held, heap: `${n.heap}→${heapMb()}`, frames: framesIn(n.start - 50, end, n.start),
          loads: [...net].filter(([, t]) => t[6] !== 'fetch' && t[2] > n.start && t[3] < end).map(([u, t]) => `${u.replace(/^.*\//, '')} ${Math.round(t[3] - n.start)}–${Math.round(t[2] - n.start)}`),
          reqs: n.reqs.map((r) => `${r.u} ${Math.round(r.s - n.start)}–${Math.round(r.e - n.start)}` +
          (net.has(r.url) ? ` (fetch ${Math.round(net.get(r.url)[3] - n.start)}, connect ${Math.round(net.get(r.url)[4] - n.start)}–${Math.round(net.get(r.url)[5] - n.start)}, sent ${Math.round(net.get(r.url)[0] - n.start)}, heard ${Math.round(net.get(r.url)[1] - n.start)}, read ${Math.round(net.get(r.url)[2] - n.start)})` : '')) } })
      for (let i = waits.length - 1; i >= 0; i--) if (waits[i][0] === n.path) waits.splice(i, 1)[0][1]()
    }))
  }
  // The long animation frames (over 50 ms) that overlap an open, in ms from its start: when each began and how long
  // it took, its script time and layout, and its longest scripts (what ran them, from which file and function), so a
  // late open shows what held the page's main thread.
  const frames = []
  try {
    new PerformanceObserver((l) => { frames.push(...l.getEntries()); if (frames.length > 200) frames.splice(0, frames.length - 200) })
      .observe({ type: 'long-animation-frame', buffered: true })
  } catch { /* a browser without the API: no frames in the detail */ }
  const framesIn = (from, to, zero) => frames.filter((f) => f.startTime + f.duration > from && f.startTime < to).map((f) => {
    const ms = (x) => Math.round(x - zero)
    const scripts = [...f.scripts].sort((a, b) => b.duration - a.duration).slice(0, 3)
      .map((s) => `${s.invokerType} ${s.invoker.slice(0, 40)} ${s.sourceURL.replace(/^.*\//, '')}:${s.sourceFunctionName || '?'} ${Math.round(s.duration)} ms`)
    const script = f.scripts.reduce((t, s) => t + s.duration, 0)
    return `${ms(f.startTime)}+${Math.round(f.duration)} (script ${Math.round(script)}, layout ${f.styleAndLayoutStart ? Math.round(f.startTime + f.duration - f.styleAndLayoutStart) : 0}${scripts.length ? ': ' + scripts.join('; ') : ''})`
  })
  // The JavaScript heap in use (MB; Chromium, exact with --enable-precise-memory-info), at an open's route change and
  // end: a fall between them is garbage collected inside the open.
  const heapMb = () => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : undefined)
  // When the network stack sent each request, heard its first byte and read its last, seen apart from the page's
  // main thread (a busy one hears of an answer late).
  const net = new Map()
  new PerformanceObserver((l) => { for (const e of l.getEntries()) net.set(e.name, [e.requestStart, e.responseStart, e.responseEnd, e.fetchStart, e.connectStart, e.connectEnd, e.initiatorType]) })
    .observe({ type: 'resource', buffered: true })
  const fetch0 = window.fetch.bind(window)
  window.fetch = (...a) => {
    pending++
    const r = { u: String(a[0]).slice(0, 60), url: new URL(String(a[0]), location.href).href, s: Math.round(performance.now()) }
    if (nav) nav.reqs.push(r)
    else if (r.s >= clickAt) early.push(r)
    return fetch0(...a).then((res) => { readsOf(res); return res }).finally(() => { r.e = Math.round(performance.now()); pending--; setTimeout(settle, 0) })
  }
  // An answer's body read counts as a request still open until it is read: the page's code that reads it, and any
  // request it then makes (a list, then the first item's view), come before the page is ready.
  const readsOf = (res) => {
    for (const k of ['json', 'text', 'blob', 'arrayBuffer']) {
      const read = res[k].bind(res)
      res[k] = () => { pending++; return read().finally(() => { pending--; setTimeout(settle, 0) }) }
    }
  }
  for (const k of ['pushState', 'replaceState']) {
    const orig = history[k]
    history[k] = function (...a) {
      const before = location.pathname
      const r = orig.apply(this, a)
      if (location.pathname !== before && location.pathname.startsWith('/console')) {
        const now = performance.now()
        nav = { path: location.pathname, start: now - clickAt < 3000 ? clickAt : now, pushed: now, reqs: now - clickAt < 3000 ? early : [],
          held: heldAt === clickAt ? 'click' : 'route', heap: heapMb() }
        early = []
        clearTimeout(unheld)
        hold(true, nav.start)
        setTimeout(settle, 50)
      }
      return r
    }
  }
}
