// The demo accounts' second factor (RFC 6238) for the render benchmarks: the code of the current 30-second step.
import { createHmac } from 'node:crypto'

export function totp() {
  let bits = ''
  for (const c of 'OFUW4Z3GMVXGOLLEMVWW6LLUN52HAIJB') bits += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'.indexOf(c).toString(2).padStart(5, '0')
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)))
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(Math.floor(Date.now() / 30000)))
  const h = createHmac('sha1', key).update(msg).digest()
  return String((h.readUInt32BE(h[h.length - 1] & 15) & 0x7fffffff) % 1e6).padStart(6, '0')
}
