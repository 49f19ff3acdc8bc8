// Work that can wait for the page in view: begun once that page has been drawn (two frames on, so that it does not
// hold up the first one) and the browser is then idle (at the latest 3 s on).
export function whenIdle(f: () => void): void {
  const idle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: 3000 }) : setTimeout(f, 300))
  if (typeof requestAnimationFrame !== 'function' || document.visibilityState === 'hidden') return void idle()
  requestAnimationFrame(() => requestAnimationFrame(idle))
}
