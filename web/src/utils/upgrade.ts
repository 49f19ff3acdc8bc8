// After an upgrade replaced the files the open app knew, code it asks for (a page, a language's messages) is gone and
// the click that asked would do nothing until the user thought to reload: the app is loaded afresh instead, once per
// cause (until a navigation ends), so that a network that is down is not asked again in a loop.
import { whenIdle } from '@/utils/idle'

const RELOADED = 'qf.reloadedFor'

// Whether E is the browser's failure to fetch a chunk of the app's code.
export const missingCode = (e: unknown) =>
  /dynamically imported module|Importing a module script failed|Unable to preload CSS/i.test(String((e as Error)?.message ?? e))

// Loads the app afresh at ADDRESS for CAUSE, first calling BEFORE (what the fresh app should know), unless that cause
// has already reloaded it; says whether it did.
export function reloadFor(cause: string, address: string, before: () => void = () => undefined): boolean {
  if (!ended && sessionStorage.getItem(RELOADED) === cause) return false
  sessionStorage.setItem(RELOADED, cause)
  wrote = true
  before()
  window.location.assign(address)
  return true
}

// A navigation ended: a later failure may reload again. The mark is cleared once, after the first, when the browser is
// idle: a tab's first touch of sessionStorage waits on the browser process (5–9 ms inside the first page's drawing).
// A mark this load wrote in the meantime is the fresh load's, and stays.
let ended = false
let wrote = false
export function reloadDone(): void {
  if (ended) return
  ended = true
  whenIdle(() => {
    if (!wrote) sessionStorage.removeItem(RELOADED)
  })
}
