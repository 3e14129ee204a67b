// Validates a Grafana dashboard JSON file against the classic dashboard model (the `Dashboard` interface of
// @grafana/schema, raw/dashboard/x), turned into a JSON schema by ts-json-schema-generator and checked with ajv.
// Interfaces become closed objects (additionalProperties: false), so misspelt or unknown keys fail too.
// Usage: NODE_PATH=<node_modules> node validate-dashboard.cjs <dashboard.json>
'use strict';
const fs = require('fs');
const path = require('path');
const { createGenerator } = require('ts-json-schema-generator');
const Ajv = require('ajv');

const dashboardFile = process.argv[2];
if (!dashboardFile) {
  console.error('usage: validate-dashboard.cjs <dashboard.json>');
  process.exit(2);
}
const schemaPackage = path.dirname(require.resolve('@grafana/schema/package.json'));
const types = path.join(schemaPackage, 'dist/types/raw/dashboard/x/types.gen.d.ts');
const version = require('@grafana/schema/package.json').version;

const schema = createGenerator({ path: types, type: 'Dashboard', skipTypeCheck: true, expose: 'export',
  additionalProperties: false }).createSchema('Dashboard');
const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(schema);
const dashboard = JSON.parse(fs.readFileSync(dashboardFile, 'utf8'));
if (validate(dashboard)) {
  console.log(`VALID: ${dashboardFile} against @grafana/schema ${version} Dashboard`);
  process.exit(0);
}
// anyOf (Panel | RowPanel) reports every branch; print them all, the real cause is among them.
for (const e of validate.errors) {
  console.log(`INVALID ${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`);
}
process.exit(1);
