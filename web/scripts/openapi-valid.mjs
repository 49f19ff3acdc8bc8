// Validates api/openapi.yaml against the OpenAPI 3.1 schema with a standard validator
// (@apidevtools/swagger-parser, which also resolves every $ref). Run by tests/system/openapi_test.py.
import SwaggerParser from '@apidevtools/swagger-parser'

const file = process.argv[2] ?? '../api/openapi.yaml'
try {
  const api = await SwaggerParser.validate(file)
  console.log(`openapi.yaml: valid OpenAPI ${api.openapi}`)
} catch (e) {
  console.log(`FAIL openapi.yaml is not valid OpenAPI: ${e.message}`)
  process.exit(1)
}
