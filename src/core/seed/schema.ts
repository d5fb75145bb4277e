/**
 * The JSON Schema of a fixture file (`customers seed --schema`), made from the field registry and the
 * settings, so that an editor checks a fixture as it is typed and the schema never lags behind the fields.
 */
import type { FieldDef } from '../fields.js';
import { SETTINGS } from '../settings.js';
import { LINK_STATES, SEED_CUSTOMER_FIELDS } from './fixture.js';

const REF = { type: 'string', pattern: '^\\$\\{.+\\}$', description: 'a customer of this file: "${ref}"' };

function fieldSchema(field: FieldDef): Record<string, unknown> {
  const description = field.doc ?? field.flag?.help;
  if (field.type === 'bool') return { type: 'boolean', description };
  if (field.type === 'tags') return { type: 'array', items: { type: 'string' }, uniqueItems: true, description };
  return { type: ['string', 'null'], description };
}

export function fixtureSchema(): Record<string, unknown> {
  const customer = {
    type: 'object',
    additionalProperties: false,
    anyOf: [{ required: ['email'] }, { required: ['source_id'] }],
    properties: {
      ref: { type: 'string', description: 'a name that orders and login links of this file use: "${ref}"' },
      ...Object.fromEntries(SEED_CUSTOMER_FIELDS.map((f) => [f.name, fieldSchema(f)])),
    },
  };
  const order = {
    type: 'object',
    additionalProperties: false,
    required: ['number', 'total'],
    oneOf: [{ required: ['customer'] }, { required: ['email'] }],
    properties: {
      customer: REF,
      email: { type: 'string', description: 'a guest order of this e-mail (instead of "customer")' },
      number: { type: 'string', description: 'the order number, unique' },
      total: { type: 'string', pattern: '^\\d+(\\.\\d{1,2})?$', description: 'amount in the store currency, such as "59.90"' },
      currency: { type: 'string', pattern: '^[A-Za-z]{3}$', description: "ISO 4217; must be the store's" },
      placed_at: { type: 'string', description: 'YYYY-MM-DD or an ISO 8601 date-time' },
    },
  };
  const link = {
    type: 'object',
    additionalProperties: false,
    required: ['customer'],
    properties: {
      customer: REF,
      ttl: { type: 'string', pattern: '^\\d+[smhd]$', description: 'lifetime: 30s, 15m, 2h, 14d (default 14d)' },
      url: { type: 'string', description: 'URL template with {token} (default: the store.login_url setting)' },
      state: { enum: [...LINK_STATES], description: 'the state the link is left in (default active)' },
    },
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'customers seed fixture',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      settings: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(SETTINGS.filter((s) => !s.redact).map((s) => [s.key, { type: 'string', description: s.description }])),
      },
      groups: { type: 'array', items: { type: 'string' } },
      customers: { type: 'array', items: customer },
      orders: { type: 'array', items: order },
      login_links: { type: 'array', items: link },
    },
  };
}
