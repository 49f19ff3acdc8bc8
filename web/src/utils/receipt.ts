// Receipt codes as the server issues them: 16 Crockford base-32 symbols and a Luhn mod 32 check symbol,
// shown in groups (XXXX-XXXX-XXXX-XXXXX). Typed codes are normalised as the server does (O→0, I/L→1), so a
// mistyped code is caught here before it costs the citizen a lookup.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

function valueOf(c: string): number {
  const u = c.toUpperCase().replace('O', '0').replace(/[IL]/, '1')
  return alphabet.indexOf(u)
}

export function checkSymbol(data: string): string {
  let factor = 2
  let sum = 0
  for (let i = data.length - 1; i >= 0; --i) {
    let addend = factor * valueOf(data[i])
    factor = factor === 2 ? 1 : 2
    addend = Math.floor(addend / 32) + (addend % 32)
    sum += addend
  }
  return alphabet[(32 - (sum % 32)) % 32]
}

// The canonical 17 symbols, or null when the shape or the check symbol is wrong.
export function parseReceipt(typed: string): string | null {
  let s = ''
  for (const c of typed.trim()) {
    if (c === '-' || c === ' ') continue
    const v = valueOf(c)
    if (v < 0) return null
    s += alphabet[v]
    if (s.length > 17) return null
  }
  if (s.length !== 17) return null
  return checkSymbol(s.slice(0, 16)) === s[16] ? s : null
}

export function displayReceipt(canonical: string): string {
  if (canonical.length !== 17) return canonical
  return `${canonical.slice(0, 4)}-${canonical.slice(4, 8)}-${canonical.slice(8, 12)}-${canonical.slice(12)}`
}
