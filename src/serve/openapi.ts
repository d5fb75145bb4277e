/** GET /openapi.json: the routes of `customers serve`, with the customer's schema built from the field registry. */
import { CUSTOMER_FIELDS, type FieldDef } from '../core/fields.js';

declare const __CUSTOMERS_VERSION__: string;

/** Always present: the rest may be null. */
const REQUIRED_VALUES = new Set(['id', 'order_count', 'total_spent', 'tax_exempt', 'accepts_marketing', 'accepts_sms_marketing', 'has_account', 'tags', 'created_at', 'updated_at']);

function fieldSchema(field: FieldDef): object {
  const base: Record<FieldDef['type'], object> = {
    int: { type: 'integer' },
    text: { type: 'string' },
    bool: { type: 'boolean' },
    money: { type: 'string', pattern: '^-?\\d+\\.\\d{2}$', description: 'amount in the store currency, exact ("59.90")' },
    tags: { type: 'array', items: { type: 'string' } },
    timestamp: { type: 'string', format: 'date-time' },
  };
  const schema = base[field.type] as { type: string };
  return REQUIRED_VALUES.has(field.name) ? schema : { ...schema, type: [schema.type, 'null'] };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const error = (description: string) => ({ description, ...json(ref('Error')) });
const tokenBody = { required: true, ...json({ type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', description: 'the token, or the whole login URL' } } }) };

const linkAnswers = {
  200: { description: 'the link can be used (verify) or was used now (redeem)', ...json(ref('UsableLink')) },
  400: error('the body is not {"token": "..."}'),
  404: { description: 'no link has this token (reason "unknown", code LINK_UNKNOWN)', ...json(ref('LinkRefused')) },
  410: { description: 'the link was used, expired or was revoked (reason and code say which)', ...json(ref('LinkRefused')) },
};

const PATHS = {
  '/healthz': { get: { summary: 'the server is up', responses: { 200: { description: 'up', ...json({ type: 'object', properties: { ok: { const: true } } }) } } } },
  '/openapi.json': { get: { summary: 'this document', responses: { 200: { description: 'OpenAPI 3.1' } } } },
  '/customers/{ref}': {
    get: {
      summary: 'a customer, by id or e-mail (percent-encoded)',
      parameters: [{ name: 'ref', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: { description: 'the customer', ...json(ref('Customer')) }, 400: error('not an id or an e-mail'), 404: error('no such customer') },
    },
  },
  '/login-links': {
    post: {
      summary: "issue a login link (the customer's older unused links are revoked unless keep_others)",
      requestBody: {
        required: true,
        ...json({
          type: 'object', required: ['customer'], additionalProperties: false,
          properties: {
            customer: { type: ['string', 'integer'], description: 'customer id or e-mail' },
            ttl: { type: ['string', 'integer'], description: 'seconds, or "30s", "15m", "2h", "14d" (default 14d)' },
            url: { type: 'string', description: 'URL template with {token}; default: the store.login_url setting' },
            keep_others: { type: 'boolean' },
            create_account: { type: 'boolean', description: 'give a contact an account (else refused)' },
          },
        }),
      },
      responses: { 201: { description: 'the link: the only time its token is known', ...json(ref('IssuedLink')) }, 400: error('a value cannot be used'), 404: error('no such customer') },
    },
  },
  '/login-links/verify': { post: { summary: 'check a link without using it', requestBody: tokenBody, responses: linkAnswers } },
  '/login-links/redeem': { post: { summary: 'use a link, once: of concurrent redeems of one token exactly one succeeds', requestBody: tokenBody, responses: linkAnswers } },
};

export function openApiDocument(): object {
  return {
    openapi: '3.1.0',
    info: { title: 'customers serve', version: __CUSTOMERS_VERSION__, description: 'Login links and customers of a customers store, for storefronts under test.' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'required when serve was started with --auth-token' } },
      schemas: {
        Customer: { type: 'object', properties: Object.fromEntries(CUSTOMER_FIELDS.map((f) => [f.name, fieldSchema(f)])) },
        IssuedLink: {
          type: 'object',
          properties: { id: { type: 'integer' }, customer_id: { type: 'integer' }, email: { type: ['string', 'null'] }, token: { type: 'string' }, url: { type: 'string' }, expires_at: { type: 'string', format: 'date-time' } },
        },
        UsableLink: {
          type: 'object',
          properties: { ok: { const: true }, link: { type: 'object', properties: { id: { type: 'integer' }, expires_at: { type: 'string', format: 'date-time' } } }, customer: ref('Customer') },
        },
        LinkRefused: {
          type: 'object',
          properties: { ok: { const: false }, reason: { enum: ['unknown', 'expired', 'used', 'revoked'] }, error: ref('ErrorBody') },
        },
        ErrorBody: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'array', items: { type: 'string' } } } },
        Error: { type: 'object', properties: { error: ref('ErrorBody') } },
      },
    },
    security: [{}, { bearer: [] }],
    paths: PATHS,
  };
}
