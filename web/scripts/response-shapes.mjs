// The response-shape test: every response the API scenarios received (tests/api/run.py records them) is checked
// against the schema api/openapi.yaml gives its operation, status and content type. An operation answered with a
// status it does not document, an operation whose success has no schema, or a body that does not match fails the test;
// every error must be an RFC 9457 problem. Usage: node scripts/response-shapes.mjs openapi.yaml responses.json
import { readFileSync } from 'node:fs'
import SwaggerParser from '@apidevtools/swagger-parser'
import Ajv2020 from 'ajv/dist/2020.js'
import addFormats from 'ajv-formats'

const [specFile, recordFile] = process.argv.slice(2)
const api = await SwaggerParser.dereference(specFile)
const ajv = new Ajv2020({ strict: false, allErrors: true })
addFormats(ajv)

// Path templates as patterns: /api/v1/cases/{id} → ^/api/v1/cases/[^/]+$ ({*rest} takes the rest).
const ops = []
for (const [path, item] of Object.entries(api.paths)) {
  const re = new RegExp('^' + path.replace(/[.]/g, '\\.').replace(/\{\*[^}]+\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+') + '$')
  for (const [method, op] of Object.entries(item)) {
    if (['get', 'post', 'put', 'patch', 'delete'].includes(method)) ops.push({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), re, op, literal: !path.includes('{') })
  }
}
// A literal path wins over a template (/api/v1/cases/export before /api/v1/cases/{id}).
ops.sort((a, b) => Number(b.literal) - Number(a.literal))

const validators = new Map()
function check(schema, body) {
  let v = validators.get(schema)
  if (!v) validators.set(schema, (v = ajv.compile(schema)))
  return v(body) ? null : ajv.errorsText(v.errors, { separator: '; ', dataVar: 'body' })
}

const records = JSON.parse(readFileSync(recordFile, 'utf8'))
const failures = []
const seen = new Set()
for (const r of records) {
  const found = ops.find((o) => o.method === r.method && o.re.test(r.path))
  if (!found) {
    // A path or method the API does not have: a problem (404, 405) all the same.
    const err = r.content_type === 'application/problem+json' ? check(api.components.schemas.Problem, r.body) : 'not a problem'
    if (r.status < 400 || err) failures.push(`${r.label}: no operation in openapi.yaml, and the answer is ${r.status} ${err ?? ''}`)
    continue
  }
  seen.add(found.key)
  const responses = found.op.responses ?? {}
  const res = responses[String(r.status)] ?? responses[`${String(r.status)[0]}XX`] ?? responses.default
  if (!res) {
    failures.push(`${r.label}: status ${r.status} not documented for ${found.key}`)
    continue
  }
  const content = res.content ?? {}
  if (r.status >= 400 && r.content_type !== 'application/problem+json') {
    failures.push(`${r.label}: error ${r.status} is ${r.content_type || 'no content'}, not a problem`)
    continue
  }
  const media = content[r.content_type]
  if (!media) {
    if (r.body !== null && r.body !== undefined) failures.push(`${r.label}: ${r.content_type} not documented for ${found.key} ${r.status}`)
    continue
  }
  if (r.body === null || r.body === undefined || !media.schema) continue
  const err = check(media.schema, r.body)
  if (err) failures.push(`${r.label}: ${found.key} ${r.status}: ${err}`)
}
// Every operation declares the shape of its success.
let withSchema = 0
for (const o of ops) {
  const ok = Object.entries(o.op.responses ?? {}).filter(([s]) => s.startsWith('2'))
  if (ok.some(([, res]) => res.content && Object.values(res.content).some((m) => m.schema))) withSchema++
  else failures.push(`${o.key}: a success without a response schema`)
}
for (const f of failures.slice(0, 80)) console.log('FAIL ' + f)
if (failures.length > 80) console.log(`… and ${failures.length - 80} more`)
console.log(`response shapes: ${records.length} responses of ${seen.size} operations checked; ${withSchema} of ${ops.length} operations declare a success schema; ${failures.length} failed`)
process.exit(failures.length ? 1 : 0)
