// Work that can wait for the page in view: begun once that page has been drawn (two frames on, so that it does not
// hold up the first one) and the browser is then idle (at the latest WITHIN ms on: 3 s unless said).
export function whenIdle(f: () => void, within = 3000): void {
  const idle = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(f, { timeout: within }) : setTimeout(f, Math.min(300, within)))
  if (typeof requestAnimationFrame !== 'function' || document.visibilityState === 'hidden') return void idle()
  requestAnimationFrame(() => requestAnimationFrame(idle))
}
