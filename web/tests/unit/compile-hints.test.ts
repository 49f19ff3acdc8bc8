import { describe, expect, it } from 'vitest'
import type { Rollup } from 'vite'
import { compileHints } from '../../vite/compile-hints'

type OutputBundle = Rollup.OutputBundle

// A bundle as Rollup hands it to generateBundle: chunks by file name, each source map beside its chunk as an asset.
function bundle(): OutputBundle {
  const chunk = (fileName: string, name: string, isEntry: boolean, imports: string[] = []) =>
    ({ type: 'chunk', fileName, name, isEntry, imports, code: 'export const x=1;\n' })
  const map = (fileName: string) =>
    ({ type: 'asset', fileName, source: JSON.stringify({ version: 3, mappings: 'AAAA;AACA' }) })
  return Object.fromEntries([
    chunk('index-1.js', 'index', true, ['vendor-1.js']),
    chunk('vendor-1.js', 'vendor', false),
    chunk('pages-1.js', 'pages', false, ['vendor-1.js']),
    chunk('echarts-1.js', 'echarts', false),
    map('pages-1.js.map'),
    map('index-1.js.map'),
  ].map((f) => [f.fileName, f])) as unknown as OutputBundle
}

describe('compile hints', () => {
  it('marks the chunks loaded after a first visit, not those it loads nor those named; their maps stay in line', () => {
    const b = bundle()
    const plugin = compileHints(['echarts'])
    const hook = plugin.generateBundle as { handler: (o: unknown, b: OutputBundle) => void }
    hook.handler({}, b)
    const code = (f: string) => (b[f] as { code: string }).code
    const mappings = (f: string) => JSON.parse(String((b[f] as { source: string }).source)).mappings
    expect(code('pages-1.js')).toBe('//# allFunctionsCalledOnLoad\nexport const x=1;\n')
    expect(mappings('pages-1.js.map')).toBe(';AAAA;AACA')
    // The entry and what it imports statically: the first visit's own, compiled as called.
    expect(code('index-1.js')).toBe('export const x=1;\n')
    expect(code('vendor-1.js')).toBe('export const x=1;\n')
    expect(mappings('index-1.js.map')).toBe('AAAA;AACA')
    expect(code('echarts-1.js')).toBe('export const x=1;\n')
  })
})
