// Saving a small table the server made once (codes shown a single time) as a CSV Excel opens in Chinese: a BOM,
// every cell quoted, CRLF rows.
export function saveCsv(rows: string[][], filename: string) {
  const csv = '\ufeff' + rows.map((r) => r.map((x) => `"${x.replace(/"/g, '""')}"`).join(',')).join('\r\n')
  const a = document.createElement('a')
  a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
  a.download = filename
  a.click()
  URL.revokeObjectURL(a.href)
}
