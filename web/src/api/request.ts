// The one request client: JSON in and out, the session cookie (same origin), the CSRF header on writes,
// and RFC 9457 problem+json turned into ApiError with the field messages by field name.
import { i18n } from '@/i18n'

export interface FieldError {
  field: string
  message: string
  // One of the common or import rules (server/common/status.h FieldError) with its values, worded here in the UI's
  // language; in an import, the file's row and the column's header.
  rule?: string
  args?: string[]
  row?: number
  column?: string
}

export interface Problem {
  type?: string
  title: string
  status: number
  detail?: string
  code?: string
  instance?: string
  errors?: FieldError[]
}

// A problem in the UI's language: from its stable code (common.json's `error`, keyed by the code) outside Chinese,
// or '' when the code has no translation — the server's Chinese detail is then the fallback.
function localized(problem: Problem): string {
  const key = `error.${problem.code ?? ''}`
  if (i18n.global.locale.value === 'zh-CN') return ''
  if (problem.code && i18n.global.te(key)) return i18n.global.t(key)
  // A validation problem whose code has no translation: how many fields to correct, each said on its field.
  if (problem.errors?.length) return i18n.global.t('error.fields', problem.errors.length)
  return ''
}

// The locale key that words a field's rule outside Chinese, or '' (Chinese, no rule, or none worded): the rule
// "code" is a problem code's own wording; a unit not found has a second form naming the nearest.
function ruleKey(e: FieldError): string {
  if (!e.rule || i18n.global.locale.value === 'zh-CN') return ''
  const args = e.args ?? []
  const key = e.rule === 'code' ? `error.${args[0] ?? ''}` : e.rule === 'unit_unknown' && args[1] ? 'error.rule.unit_unknown_near' : `error.rule.${e.rule}`
  return i18n.global.te(key) ? key : ''
}
const ruleArgs = (e: FieldError): string[] => (e.rule === 'code' ? [] : e.rule === 'one_of' ? [(e.args ?? []).join(', ')] : e.args ?? [])

// A field's message in the UI's language: its rule worded here, or the server's Chinese.
function fieldMessage(e: FieldError): string {
  const key = ruleKey(e)
  return key ? i18n.global.t(key, ruleArgs(e)) : e.message
}

// The same in parts, each value of the rule apart (`data`: a value from the file, shown as written and marked so);
// `worded` false when it is the server's Chinese.
export function messageParts(e: FieldError): { parts: { text: string; data: boolean }[]; worded: boolean } {
  const key = ruleKey(e)
  if (!key) return { parts: [{ text: e.message, data: false }], worded: false }
  const args = ruleArgs(e)
  const pieces = i18n.global.t(key, args.map((_, i) => `\u0001${i}\u0001`)).split('\u0001')
  return { parts: pieces.map((text, i) => (i % 2 ? { text: args[Number(text)] ?? '', data: true } : { text, data: false })).filter((p) => p.text), worded: true }
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly problem: Problem
  constructor(problem: Problem) {
    super(localized(problem) || problem.detail || problem.title)
    this.status = problem.status
    this.code = problem.code ?? ''
    this.problem = problem
  }
  // Messages by field ("reporter.phone" → "电话号码格式不正确"), for el-form items. A problem about one field whose
  // code is translated gives that field the translation.
  get fields(): Record<string, string> {
    const out: Record<string, string> = {}
    const errors = this.problem.errors ?? []
    const own = errors.length === 1 && this.problem.code && i18n.global.te(`error.${this.problem.code}`) ? localized(this.problem) : ''
    for (const e of errors) {
      const message = own || fieldMessage(e)
      out[e.field] = out[e.field] ? `${out[e.field]}${i18n.global.t('p.semicolon')}${message}` : message
    }
    return out
  }
  // The problem in one line, for a page that shows it in one place: its message, then each field's as `fields` words
  // it (after the field's name when `named`), with the UI language's punctuation.
  summary(named = false): string {
    const { t } = i18n.global
    const fields = Object.entries(this.fields).map(([f, m]) => (named ? `${f}${t('p.colon')}${m}` : m))
    return [this.message, ...fields].join(t('p.semicolon'))
  }
}

let csrfToken = ''
export function setCsrfToken(token: string): void {
  csrfToken = token
}

// Called when a staff request answers 401 (the session ended): the session store sends the user to sign in.
let onUnauthorized: (() => void) | null = null
export function setUnauthorizedHandler(fn: (() => void) | null): void {
  onUnauthorized = fn
}

export type Query = Record<string, string | number | boolean | undefined | null>

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '' || v === false) continue
    params.set(k, String(v))
  }
  const s = params.toString()
  return s ? `${path}?${s}` : path
}

async function toError(res: Response): Promise<ApiError> {
  const type = res.headers.get('Content-Type') ?? ''
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Problem
      return new ApiError({ ...body, status: body.status ?? res.status, title: body.title ?? res.statusText })
    } catch {
      /* fall through */
    }
  }
  return new ApiError({ status: res.status, title: res.statusText || i18n.global.t('msg.requestFailed'), detail: `HTTP ${res.status}` })
}

export interface RequestOptions {
  query?: Query
  body?: unknown
  raw?: Blob | ArrayBuffer | string
  contentType?: string
  signal?: AbortSignal
}

// The requests under way, and what waits for there to be none: fetching ahead (utils/prefetch.ts) comes after the
// requests of the page being opened, not beside them.
let underWay = 0
const waiting: (() => void)[] = []
export const requestsUnderWay = () => underWay
export function whenNoRequests(f: () => void): void {
  if (underWay === 0) f()
  else waiting.push(f)
}
// A request counted under way until its answer is read.
async function tracked<T>(call: () => Promise<T>): Promise<T> {
  underWay++
  try {
    return await call()
  } finally {
    if (--underWay === 0) waiting.splice(0).forEach((f) => f())
  }
}

async function send(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  let body: BodyInit | undefined
  if (opts.raw !== undefined) {
    body = opts.raw as BodyInit
    headers['Content-Type'] = opts.contentType ?? 'application/octet-stream'
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body)
    headers['Content-Type'] = 'application/json'
  }
  if (method !== 'GET' && method !== 'HEAD') {
    ahead.clear()
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken
  }
  let res: Response
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers,
      body,
      credentials: 'same-origin',
      signal: opts.signal,
    })
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e
    throw new ApiError({ status: 0, title: i18n.global.t('msg.network'), detail: i18n.global.t('msg.networkDetail') })
  }
  if (!res.ok) {
    const err = await toError(res)
    if (res.status === 401 && onUnauthorized && !path.startsWith('/api/v1/auth/')) onUnauthorized()
    throw err
  }
  return res
}

const answer = <T>(method: string, path: string, opts: RequestOptions): Promise<T> => tracked(async () => {
  const res = await send(method, path, opts)
  if (res.status === 204) return undefined as T
  return (await res.json()) as T
})

// Answers asked for ahead: the router asks for a page's first reads as soon as the page is chosen (a route
// component's `opening`, router/index.ts), beside the readying of its frame and its setup rather than after them,
// and the page's own first GET of the same address takes the answer. One not taken by the time the next page is
// chosen is dropped with a warning (the page's `opening` no longer asks what the page asks: the journeys fail on it);
// a write drops them all (an answer asked before it may not show it).
const ahead = new Map<string, Promise<unknown>>()
let askingAhead = false
export function askAhead(ask: () => unknown): void {
  for (const url of ahead.keys()) console.warn(`asked ahead and not taken: ${url}`)
  ahead.clear()
  askingAhead = true
  try {
    ask()
  } catch (e) {
    console.error('asking ahead failed', e)  // the page asks again itself
  } finally {
    askingAhead = false
  }
}
// An answer taken from ahead still honours the taker's abort signal.
function taken<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p
  return new Promise<T>((ok, fail) => {
    const abort = () => fail(new DOMException('The request was aborted', 'AbortError'))
    if (signal.aborted) return abort()
    signal.addEventListener('abort', abort, { once: true })
    p.then(ok, fail)
  })
}

export function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  if (method !== 'GET') return answer<T>(method, path, opts)
  const url = withQuery(path, opts.query)
  if (askingAhead) {
    const p = answer<T>(method, path, { query: opts.query })
    p.catch(() => undefined)  // a failure is the taker's to show
    ahead.set(url, p)
    return p
  }
  const early = ahead.get(url) as Promise<T> | undefined
  if (!early) return answer<T>(method, path, opts)
  ahead.delete(url)
  return taken(early, opts.signal)
}

export const download = (path: string, query?: Query): Promise<{ blob: Blob; total: number }> => tracked(async () => {
  const res = await send('GET', path, { query })
  return { blob: await res.blob(), total: Number(res.headers.get('X-Total-Count') ?? 0) }
})

// A file made by a write (a document whose making is recorded, say): POSTs `body` and answers the bytes.
export const downloadPost = (path: string, body: unknown): Promise<Blob> => tracked(async () => {
  const res = await send('POST', path, { body })
  return res.blob()
})

export const http = {
  get: <T>(path: string, query?: Query, signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown, query?: Query) => request<T>('POST', path, { body: body ?? {}, query }),
  delete: <T>(path: string) => request<T>('DELETE', path),
}
