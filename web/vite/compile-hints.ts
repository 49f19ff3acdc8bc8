// V8 compiles a function the first time it is called, on the main thread: a console page's first open spent ~16 ms (up
// to 35) of its main thread parsing and compiling the page's and the frame's functions (bench/render/aftersignin.mjs:
// the V8.ParseFunction and V8.Compile* events). Chromium (136 and later) compiles every function of a file that begins
// with the comment `//# allFunctionsCalledOnLoad` when the file is loaded, on the thread that streams it, so a file
// fetched ahead of its page (utils/prefetch.ts) arrives compiled. This build step puts the comment on the chunks
// chosen; other browsers read a comment. A file's name (its content hash) is taken before the comment is added: the
// comment alone never tells two versions of a file apart, and a cached file without it runs the same.
import type { Plugin } from 'vite'

const HINT = '//# allFunctionsCalledOnLoad\n'

// The chunks a first visit loads (the entries and what they import statically) are left as they are: compiled whole,
// they delayed the first paint. So is any chunk named in EXCEPT (ECharts: most of it is never called).
// Last of all (after minifying, which drops comments, and after Vite puts its list of preloads on top), the source
// map's lines moved down by the one added.
export function compileHints(except: string[] = []): Plugin {
  return {
    name: 'qf-compile-hints',
    apply: 'build',
    generateBundle: {
      order: 'post',
      handler(_, bundle) {
        const chunks = Object.values(bundle).filter((f) => f.type === 'chunk')
        const first = new Set<string>()
        const visit = (fileName: string) => {
          if (first.has(fileName)) return
          first.add(fileName)
          const chunk = bundle[fileName]
          if (chunk?.type === 'chunk') chunk.imports.forEach(visit)
        }
        chunks.filter((c) => c.isEntry).forEach((c) => visit(c.fileName))
        for (const file of chunks) {
          if (first.has(file.fileName) || except.includes(file.name)) continue
          file.code = HINT + file.code
          const map = bundle[`${file.fileName}.map`]
          if (map?.type !== 'asset') continue
          const json = JSON.parse(String(map.source))
          json.mappings = ';' + json.mappings
          map.source = JSON.stringify(json)
        }
      },
    },
  }
}
