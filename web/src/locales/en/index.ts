// The English messages as one chunk: src/i18n.ts fetches the language in use only.
import common from './common.json'
import portal from './portal.json'
import consoleMessages from './console.json'

export default { ...common, portal, console: consoleMessages }
