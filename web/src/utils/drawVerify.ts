// Recomputes a released draw in the browser from its public record, independently of the server, following
// docs/draws.md: commitment = SHA-256(secret); seed = SHA-256(secret ‖ 0x00 ‖ public value); 64-bit words from
// SHA-256(seed ‖ block number); unbiased integers by rejection; Fisher–Yates from the last position over the
// candidates in canonical order; the call-down with the recorded declines. SHA-256 is the Web Crypto API's.
import type { PublicDraw } from '@/api/draws'

// What a recomputation reads: a pool draw's public record, or any record of the same shape (an admission lottery's).
export type DrawRecord = Pick<PublicDraw, 'commitment' | 'candidates' | 'public_value' | 'secret' | 'seed' | 'order' | 'count' | 'backups' | 'declines'> & {
  calls?: { code: string; status: string }[]
}

const enc = new TextEncoder()

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', data as BufferSource))
}

export function hex(b: Uint8Array): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join('')
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let o = 0
  for (const p of parts) {
    out.set(p, o)
    o += p.length
  }
  return out
}

export async function makeSeed(secret: string, publicValue: string): Promise<Uint8Array> {
  return sha256(concat(enc.encode(secret), new Uint8Array([0]), enc.encode(publicValue)))
}

const MAX = (1n << 64n) - 1n

class Stream {
  private block = 0n
  private buf: Uint8Array = new Uint8Array(0)
  private used = 4
  constructor(private readonly seed: Uint8Array) {}
  async next(): Promise<bigint> {
    if (this.used === 4) {
      const b = new Uint8Array(8)
      new DataView(b.buffer).setBigUint64(0, this.block)
      this.buf = await sha256(concat(this.seed, b))
      this.block++
      this.used = 0
    }
    const v = new DataView(this.buf.buffer).getBigUint64(this.used * 8)
    this.used++
    return v
  }
  async uniform(n: number): Promise<number> {
    const bn = BigInt(n)
    const limit = MAX - (((MAX % bn) + 1n) % bn)
    for (;;) {
      const v = await this.next()
      if (v <= limit) return Number(v % bn)
    }
  }
}

export async function shuffle(ids: string[], seed: Uint8Array): Promise<string[]> {
  const out = [...ids]
  const s = new Stream(seed)
  for (let i = out.length; i > 1; i--) {
    const j = await s.uniform(i)
    ;[out[i - 1], out[j]] = [out[j], out[i - 1]]
  }
  return out
}

export interface Called {
  code: string
  status: 'selected' | 'backup' | 'declined'
}

export function callDown(order: string[], count: number, backups: number, declines: { code: string }[]): Called[] | null {
  const calls: Called[] = []
  let next = 0
  const call = (status: Called['status']) => {
    if (next < order.length) calls.push({ code: order[next++], status })
  }
  for (let i = 0; i < count; i++) call('selected')
  for (let i = 0; i < backups; i++) call('backup')
  for (const d of declines) {
    const c = calls.find((x) => x.code === d.code)
    if (!c || c.status === 'declined') return null
    const wasSelected = c.status === 'selected'
    c.status = 'declined'
    // A selected place goes to the first backup, or to the next in the order when none waits (docs/draws.md).
    if (wasSelected) {
      const b = calls.find((x) => x.status === 'backup')
      if (b) b.status = 'selected'
      else call('selected')
    }
    if (calls.filter((x) => x.status === 'backup').length < backups) call('backup')
  }
  return calls
}

export interface Check {
  key: 'commitment' | 'canonical' | 'seed' | 'order' | 'selected' | 'backups'
  ok: boolean
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i])

export async function verifyDraw(rec: DrawRecord): Promise<{ ok: boolean; checks: Check[]; seed: string; order: string[] }> {
  const checks: Check[] = []
  const secret = rec.secret ?? ''
  const candidates = rec.candidates ?? []
  checks.push({ key: 'commitment', ok: secret !== '' && hex(await sha256(enc.encode(secret))) === rec.commitment })
  const sorted = [...candidates].sort()
  checks.push({ key: 'canonical', ok: candidates.length > 0 && same(sorted, candidates) && new Set(candidates).size === candidates.length })
  const seed = await makeSeed(secret, rec.public_value ?? '')
  checks.push({ key: 'seed', ok: hex(seed) === rec.seed })
  const order = await shuffle(candidates, seed)
  checks.push({ key: 'order', ok: same(order, rec.order ?? []) })
  const calls = callDown(order, rec.count, rec.backups ?? 0, rec.declines ?? [])
  const pick = (list: { code: string; status: string }[] | null | undefined, s: string) => (list ?? []).filter((c) => c.status === s).map((c) => c.code)
  checks.push({ key: 'selected', ok: calls !== null && same(pick(calls, 'selected'), pick(rec.calls, 'selected')) })
  checks.push({ key: 'backups', ok: calls !== null && same(pick(calls, 'backup'), pick(rec.calls, 'backup')) })
  return { ok: checks.every((c) => c.ok), checks, seed: hex(seed), order }
}
