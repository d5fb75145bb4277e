/**
 * The CSV layouts of other platforms, as their exports and import templates write them: which header
 * feeds which field on import, and which headers and conventions an export for that platform writes. Headers are matched
 * case-insensitively, ignoring surrounding spaces.
 */
import { CUSTOMER_FIELDS, type FieldDef, type Item, NATIVE_FIELDS } from '../fields.js';
import { e164 } from '../values.js';

/**
 * What an imported column becomes: a field's name (fields.ts), or one of the special readings of
 * columns.ts (its SPECIAL table: full_name, password, magento_group, ...).
 */
export type ImportTarget = string;

export interface ImportColumn {
  header: string;
  target: ImportTarget;
  /** When several columns feed one field, the first non-empty one in this order wins (0 first). */
  rank?: number;
}

export interface ExportColumn {
  header: string;
  value: (c: Item, context: ExportContext) => string;
  /** The value depends on the other customers exported: their shared phones are counted first. */
  usesSharedPhones?: boolean;
}

/** What an export knows of all the customers it writes. */
export interface ExportContext {
  /** Phones (as E.164) that more than one exported customer has; empty unless a column uses them. */
  sharedPhones: ReadonlySet<string>;
}

/** How a preset's rows carry addresses (see Preset.addresses and addresses.ts). */
export type AddressLayout = 'continuation' | 'file';

export interface Preset {
  name: PresetName;
  /** The delimiter the platform's own files use, which export writes unless told otherwise (a comma if none). */
  delimiter?: string;
  import: readonly ImportColumn[];
  /** Headers the platform writes that have no place here: not reported as unknown. */
  ignored: readonly string[];
  export: readonly ExportColumn[];
  /** Columns besides `export` that --fields may name (native: every field a listing shows, `name` too). */
  alsoExportable?: readonly ExportColumn[];
  /** The platform refuses customers without an e-mail: an export leaves them out and says how many. */
  requiresEmail?: boolean;
  /**
   * Rows that carry addresses (addresses.ts): 'continuation', a row with an empty e-mail is another address of
   * the customer above; 'file', every row is an address of the existing customer its e-mail names.
   */
  addresses?: AddressLayout;
}

export const PRESET_NAMES = [
  'native', 'shopify', 'ecwid', 'woocommerce', 'magento', 'magento-addresses', 'bigcommerce', 'stripe', 'prestashop', 'prestashop-addresses',
  'mailchimp', 'squarespace', 'wix', 'generic',
] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

const text = (field: string) => (c: Item) => (c[field] == null ? '' : String(c[field]));
const yesNo = (field: string) => (c: Item) => (c[field] ? 'yes' : 'no');
const trueFalse = (field: string) => (c: Item) => (c[field] ? 'true' : 'false');
const tags = (c: Item) => (c.tags as string[]).join(', ');
const nothing = () => '';
/** The customer's id on this platform: its source id, unless that is another platform's. */
const sourceIdOn = (platform: string) => (c: Item) => (c.source == null || c.source === platform ? text('source_id')(c) : '');

/** Native: the field names; export writes every exported field and import reads them back. */
const native: Preset = {
  name: 'native',
  // `name` (first and last name, as listings show it) is read only from a file without the parts: email,name,phone.
  import: [...NATIVE_FIELDS.map((f) => ({ header: f.name, target: f.name })), { header: 'name', target: 'full_name', rank: 1 }],
  ignored: [],
  export: NATIVE_FIELDS.map(nativeColumn),
  alsoExportable: CUSTOMER_FIELDS.filter((f) => !f.exported).map(nativeColumn),
};

function nativeColumn(f: FieldDef): ExportColumn {
  return { header: f.name, value: f.type === 'tags' ? tags : f.type === 'bool' ? trueFalse(f.name) : text(f.name) };
}

const shopify: Preset = {
  name: 'shopify',
  import: [
    { header: 'First Name', target: 'first_name' },
    { header: 'Last Name', target: 'last_name' },
    { header: 'Email', target: 'email' },
    { header: 'Accepts Email Marketing', target: 'accepts_marketing' },
    { header: 'Accepts Marketing', target: 'accepts_marketing' },
    { header: 'Accepts SMS Marketing', target: 'accepts_sms_marketing' },
    { header: 'Customer ID', target: 'source_id' },
    { header: 'Default Address Company', target: 'company' },
    { header: 'Company', target: 'company' },
    { header: 'Default Address Address1', target: 'street' },
    { header: 'Address1', target: 'street' },
    { header: 'Default Address Address2', target: 'street2' },
    { header: 'Address2', target: 'street2' },
    { header: 'Default Address City', target: 'city' },
    { header: 'City', target: 'city' },
    { header: 'Default Address Province Code', target: 'region' },
    { header: 'Province Code', target: 'region' },
    { header: 'Province', target: 'region', rank: 1 },
    { header: 'Default Address Country Code', target: 'country' },
    { header: 'Country Code', target: 'country' },
    { header: 'Country', target: 'country', rank: 1 },
    { header: 'Default Address Zip', target: 'postal_code' },
    { header: 'Zip', target: 'postal_code' },
    { header: 'Phone', target: 'phone' },
    { header: 'Default Address Phone', target: 'phone', rank: 1 },
    { header: 'Total Spent', target: 'total_spent' },
    { header: 'Total Orders', target: 'order_count' },
    { header: 'Account Status', target: 'account_state' },
    { header: 'State', target: 'account_state', rank: 1 },
    { header: 'Note', target: 'note' },
    { header: 'Tax Exempt', target: 'tax_exempt' },
    { header: 'Tags', target: 'tags' },
  ],
  ignored: [],
  export: [
    { header: 'Customer ID', value: sourceIdOn('shopify') },
    { header: 'First Name', value: text('first_name') },
    { header: 'Last Name', value: text('last_name') },
    { header: 'Email', value: text('email') },
    { header: 'Accepts Email Marketing', value: yesNo('accepts_marketing') },
    { header: 'Default Address Company', value: text('company') },
    { header: 'Default Address Address1', value: text('street') },
    { header: 'Default Address Address2', value: text('street2') },
    { header: 'Default Address City', value: text('city') },
    { header: 'Default Address Province Code', value: text('region') },
    { header: 'Default Address Country Code', value: text('country') },
    { header: 'Default Address Zip', value: text('postal_code') },
    // Shopify takes a customer's Phone only in E.164 and unique in the store; the address phone is free text.
    { header: 'Default Address Phone', value: text('phone') },
    { header: 'Phone', value: (c, { sharedPhones }) => { const p = e164(c.phone); return p && !sharedPhones.has(p) ? String(c.phone) : ''; }, usesSharedPhones: true },
    { header: 'Accepts SMS Marketing', value: yesNo('accepts_sms_marketing') },
    { header: 'Total Spent', value: text('total_spent') },
    { header: 'Total Orders', value: text('order_count') },
    { header: 'Note', value: text('note') },
    { header: 'Tax Exempt', value: yesNo('tax_exempt') },
    { header: 'Tags', value: tags },
  ],
};

const ecwid: Preset = {
  name: 'ecwid',
  requiresEmail: true,
  import: [
    { header: 'email', target: 'email' },
    { header: 'id', target: 'source_id' },
    { header: 'name', target: 'full_name', rank: 1 },
    { header: 'password', target: 'password' },
    { header: 'billingPerson.name', target: 'full_name', rank: 1 },
    { header: 'billingPerson.firstName', target: 'first_name' },
    { header: 'billingPerson.lastName', target: 'last_name' },
    { header: 'billingPerson.companyName', target: 'company' },
    { header: 'billingPerson.street', target: 'street_lines' },
    { header: 'billingPerson.city', target: 'city' },
    { header: 'billingPerson.countryCode', target: 'country' },
    { header: 'billingPerson.postalCode', target: 'postal_code' },
    { header: 'billingPerson.stateOrProvinceCode', target: 'region' },
    { header: 'billingPerson.phone', target: 'phone' },
    { header: 'customerGroupName', target: 'group_or_general' },
    { header: 'taxExempt', target: 'tax_exempt' },
    { header: 'taxId', target: 'tax_id' },
    { header: 'acceptMarketing', target: 'accepts_marketing' },
    { header: 'lang', target: 'lang' },
    { header: 'privateAdminNotes', target: 'note' },
    { header: 'stats.numberOfOrders', target: 'order_count' },
    { header: 'stats.salesValue', target: 'total_spent' },
    { header: 'registered', target: 'created_at' },
  ],
  ignored: ['customerGroupId'],
  export: [
    { header: 'email', value: text('email') },
    { header: 'billingPerson.name', value: text('name') },
    { header: 'billingPerson.firstName', value: text('first_name') },
    { header: 'billingPerson.lastName', value: text('last_name') },
    { header: 'billingPerson.companyName', value: text('company') },
    { header: 'billingPerson.street', value: (c) => [c.street, c.street2].filter(Boolean).join('\n') },
    { header: 'billingPerson.city', value: text('city') },
    { header: 'billingPerson.countryCode', value: text('country') },
    { header: 'billingPerson.postalCode', value: text('postal_code') },
    { header: 'billingPerson.stateOrProvinceCode', value: text('region') },
    { header: 'billingPerson.phone', value: text('phone') },
    // General is Ecwid's name for "no group".
    { header: 'customerGroupName', value: (c) => (c.group == null ? 'General' : String(c.group)) },
    // Ecwid accepts a tax exemption only with a tax id.
    { header: 'taxExempt', value: (c) => (c.tax_exempt && c.tax_id ? 'true' : 'false') },
    { header: 'taxId', value: text('tax_id') },
    { header: 'acceptMarketing', value: trueFalse('accepts_marketing') },
    { header: 'lang', value: text('lang') },
    { header: 'privateAdminNotes', value: text('note') },
    { header: 'stats.numberOfOrders', value: text('order_count') },
    { header: 'stats.salesValue', value: text('total_spent') },
    { header: 'registered', value: text('created_at') },
  ],
};

const woocommerce: Preset = {
  name: 'woocommerce',
  requiresEmail: true,
  import: [
    // Analytics "Customers" export
    { header: 'Name', target: 'full_name', rank: 1 },
    { header: 'Email', target: 'email' },
    { header: 'Sign Up', target: 'created_at' },
    { header: 'Orders', target: 'order_count' },
    { header: 'Total Spend', target: 'total_spent' },
    { header: 'Country / Region', target: 'country' },
    { header: 'City', target: 'city' },
    { header: 'Region', target: 'region' },
    { header: 'Postal Code', target: 'postal_code' },
    { header: 'Billing Phone', target: 'phone' },
    { header: 'Shipping Phone', target: 'phone', rank: 1 },
    // REST API names
    { header: 'email', target: 'email' },
    { header: 'customer_id', target: 'id_or_guest' },
    { header: 'first_name', target: 'first_name' },
    { header: 'last_name', target: 'last_name' },
    { header: 'billing.first_name', target: 'first_name', rank: 1 },
    { header: 'billing.last_name', target: 'last_name', rank: 1 },
    { header: 'billing.company', target: 'company' },
    { header: 'billing.address_1', target: 'street' },
    { header: 'billing.address_2', target: 'street2' },
    { header: 'billing.city', target: 'city' },
    { header: 'billing.state', target: 'region' },
    { header: 'billing.postcode', target: 'postal_code' },
    { header: 'billing.country', target: 'country' },
    { header: 'billing.email', target: 'email', rank: 1 },
    { header: 'billing.phone', target: 'phone' },
    // Names used by the common customer export and import plugins
    { header: 'ID', target: 'id_or_guest' },
    { header: 'Username', target: 'account_username' },
    { header: 'username', target: 'account_username' },
    { header: 'user_login', target: 'account_username' },
    { header: 'user_email', target: 'email' },
    { header: 'billing_email', target: 'email', rank: 1 },
    { header: 'billing_first_name', target: 'first_name', rank: 1 },
    { header: 'billing_last_name', target: 'last_name', rank: 1 },
    { header: 'user_registered', target: 'created_at' },
    { header: 'date_registered', target: 'created_at' },
    { header: 'billing_company', target: 'company' },
    { header: 'billing_address_1', target: 'street' },
    { header: 'billing_address_2', target: 'street2' },
    { header: 'billing_city', target: 'city' },
    { header: 'billing_state', target: 'region' },
    { header: 'billing_postcode', target: 'postal_code' },
    { header: 'billing_country', target: 'country' },
    { header: 'billing_phone', target: 'phone' },
  ],
  // One address is kept: the billing one. Shipping addresses are not read.
  ignored: [
    'Last Active', 'AOV', 'Role', 'role', 'shipping_first_name', 'shipping_last_name',
    'shipping_company', 'shipping_address_1', 'shipping_address_2', 'shipping_postcode', 'shipping_city', 'shipping_state', 'shipping_country',
  ],
  export: [
    { header: 'user_email', value: text('email') },
    { header: 'first_name', value: text('first_name') },
    { header: 'last_name', value: text('last_name') },
    { header: 'billing_company', value: text('company') },
    { header: 'billing_address_1', value: text('street') },
    { header: 'billing_address_2', value: text('street2') },
    { header: 'billing_city', value: text('city') },
    { header: 'billing_state', value: text('region') },
    { header: 'billing_postcode', value: text('postal_code') },
    { header: 'billing_country', value: text('country') },
    { header: 'billing_phone', value: text('phone') },
  ],
};

/** Magento's default customer groups by id; others become "Magento group N". */
export const MAGENTO_GROUPS: Record<string, string | null> = { '0': null, '1': null, '2': 'Wholesale', '3': 'Retailer' };

const magento: Preset = {
  name: 'magento',
  requiresEmail: true,
  addresses: 'continuation',
  import: [
    { header: 'email', target: 'email' },
    { header: '_email', target: 'email' },
    { header: 'firstname', target: 'first_name' },
    { header: 'lastname', target: 'last_name' },
    { header: 'created_at', target: 'created_at' },
    { header: 'group_id', target: 'magento_group' },
    { header: 'taxvat', target: 'tax_id' },
    { header: 'password_hash', target: 'password_hash' },
    { header: 'password', target: 'password' },
    { header: '_address_city', target: 'city' },
    { header: '_address_company', target: 'company' },
    { header: '_address_country_id', target: 'country' },
    { header: '_address_postcode', target: 'postal_code' },
    { header: '_address_region', target: 'region' },
    { header: '_address_street', target: 'street_lines' },
    { header: '_address_telephone', target: 'phone' },
    { header: '_address_vat_id', target: 'tax_id', rank: 1 },
    { header: '_address_default_billing_', target: 'default_billing' },
  ],
  ignored: [
    '_website', '_store', 'confirmation', 'created_in', 'disable_auto_group_change', 'dob', 'gender', 'middlename',
    'prefix', 'rp_token', 'rp_token_created_at', 'store_id', 'suffix', 'website_id', '_address_fax', '_address_firstname',
    '_address_lastname', '_address_middlename', '_address_prefix', '_address_suffix', '_address_region_id',
    '_address_vat_is_valid', '_address_vat_request_date', '_address_vat_request_id', '_address_vat_request_success',
    '_address_default_shipping_', '_entity_id', 'updated_at', 'lock_expires', 'failures_num', 'default_billing', 'default_shipping',
  ],
  export: [
    { header: 'email', value: text('email') },
    { header: '_website', value: () => 'base' },
    { header: '_store', value: () => 'default' },
    { header: 'created_at', value: (c) => String(c.created_at).replace('T', ' ').replace('Z', '') },
    { header: 'firstname', value: text('first_name') },
    { header: 'lastname', value: text('last_name') },
    { header: 'group_id', value: (c) => Object.entries(MAGENTO_GROUPS).find(([, name]) => name === c.group && name !== null)?.[0] ?? '1' },
    { header: 'taxvat', value: text('tax_id') },
    { header: '_address_street', value: (c) => [c.street, c.street2].filter(Boolean).join('\n') },
    { header: '_address_city', value: text('city') },
    { header: '_address_region', value: text('region') },
    { header: '_address_postcode', value: text('postal_code') },
    { header: '_address_country_id', value: text('country') },
    { header: '_address_telephone', value: text('phone') },
    { header: '_address_company', value: text('company') },
    { header: '_address_vat_id', value: text('tax_id') },
    { header: '_address_default_billing_', value: (c) => (c.street || c.city ? '1' : '') },
    { header: '_address_default_shipping_', value: (c) => (c.street || c.city ? '1' : '') },
  ],
};

/**
 * Magento's customer_address file: one row per address of a customer already in the store, named by `_email`.
 * Its firstname and lastname are the addressee's, not the customer's: not read.
 */
const magentoAddresses: Preset = {
  name: 'magento-addresses',
  requiresEmail: true,
  addresses: 'file',
  import: [
    { header: '_email', target: 'email' },
    { header: 'company', target: 'company' },
    { header: 'street', target: 'street_lines' },
    { header: 'city', target: 'city' },
    { header: 'region', target: 'region' },
    { header: 'postcode', target: 'postal_code' },
    { header: 'country_id', target: 'country' },
    { header: 'telephone', target: 'phone' },
    { header: '_address_default_billing_', target: 'default_billing' },
  ],
  ignored: [
    '_website', '_entity_id', 'fax', 'firstname', 'lastname', 'middlename', 'prefix', 'suffix', 'region_id', 'vat_id', 'vat_is_valid',
    'vat_request_date', 'vat_request_id', 'vat_request_success', '_address_default_shipping_',
  ],
  export: [
    { header: '_website', value: () => 'base' },
    { header: '_email', value: text('email') },
    { header: '_entity_id', value: () => '' },
    { header: 'city', value: text('city') },
    { header: 'company', value: text('company') },
    { header: 'country_id', value: text('country') },
    { header: 'firstname', value: text('first_name') },
    { header: 'lastname', value: text('last_name') },
    { header: 'postcode', value: text('postal_code') },
    { header: 'region', value: text('region') },
    { header: 'street', value: (c) => [c.street, c.street2].filter(Boolean).join('\n') },
    { header: 'telephone', value: text('phone') },
    { header: '_address_default_billing_', value: () => '1' },
    { header: '_address_default_shipping_', value: () => '1' },
  ],
};

const bigcommerce: Preset = {
  name: 'bigcommerce',
  requiresEmail: true,
  import: [
    { header: 'First Name', target: 'first_name' },
    { header: 'Last Name', target: 'last_name' },
    { header: 'Company', target: 'company' },
    { header: 'Email', target: 'email' },
    { header: 'Email Address', target: 'email' },
    { header: 'Phone', target: 'phone' },
    { header: 'Notes', target: 'note' },
    { header: 'Customer Group', target: 'group' },
    { header: 'Date Joined', target: 'created_at' },
    { header: 'Receive Review/Abandoned Cart Emails?', target: 'accepts_marketing' },
    { header: 'Tax Exempt Category', target: 'tax_exempt_category' },
    { header: 'Password', target: 'password' },
    { header: 'Customer ID', target: 'source_id' },
  ],
  ignored: ['Store Credit', 'Addresses'],
  export: [
    { header: 'Email Address', value: text('email') },
    { header: 'First Name', value: text('first_name') },
    { header: 'Last Name', value: text('last_name') },
    { header: 'Company', value: text('company') },
    { header: 'Phone', value: text('phone') },
    { header: 'Notes', value: text('note') },
    { header: 'Customer Group', value: text('group') },
    { header: 'Date Joined', value: text('created_at') },
    { header: 'Receive Review/Abandoned Cart Emails?', value: (c) => (c.accepts_marketing ? 'Y' : 'N') },
    { header: 'Tax Exempt Category', value: (c) => (c.tax_exempt ? 'EXEMPT' : '') },
  ],
};

/** A timestamp as Stripe's dashboard writes it: "2023-09-08 00:33" (UTC, to the minute). */
const minutes = (field: string) => (c: Item) => (c[field] == null ? '' : String(c[field]).slice(0, 16).replace('T', ' '));

/**
 * Stripe's dashboard customer export. Its `id` (cus_...) is Stripe's: kept as the source id, never read as
 * this store's id. Metadata columns ("<key> (metadata)") are reported as unknown.
 */
const stripe: Preset = {
  name: 'stripe',
  import: [
    { header: 'id', target: 'source_id' },
    { header: 'Email', target: 'email' },
    { header: 'Name', target: 'full_name' },
    { header: 'Description', target: 'note' },
    { header: 'Created (UTC)', target: 'created_at' },
    { header: 'Phone', target: 'phone' },
    { header: 'Address Line1', target: 'street' },
    { header: 'Address Line2', target: 'street2' },
    { header: 'Address City', target: 'city' },
    { header: 'Address State', target: 'region' },
    { header: 'Address Country', target: 'country' },
    { header: 'Address Zip', target: 'postal_code' },
    { header: 'Address Postal Code', target: 'postal_code' },
    { header: 'Business Vat ID', target: 'tax_id' },
    { header: 'Tax Exempt', target: 'stripe_tax_exempt' },
    { header: 'Total Spend', target: 'total_spent' },
    { header: 'Payment Count', target: 'order_count' },
  ],
  ignored: [
    'Delinquent', 'Plan', 'Status', 'Refunded Volume', 'Dispute Losses', 'Currency', 'Account Balance', 'Default Source', 'Coupon',
    'Discount', 'Card ID', 'Card Last4', 'Card Brand', 'Card Funding', 'Card Exp Month', 'Card Exp Year', 'Card Name', 'Shipping Name',
    'Shipping Phone', 'Shipping Address Line1', 'Shipping Address Line2', 'Shipping Address City', 'Shipping Address State',
    'Shipping Address Country', 'Shipping Address Postal Code', 'Shipping Address Zip',
  ],
  export: [
    { header: 'id', value: sourceIdOn('stripe') },
    { header: 'Description', value: text('note') },
    { header: 'Email', value: text('email') },
    { header: 'Name', value: text('name') },
    { header: 'Created (UTC)', value: minutes('created_at') },
    { header: 'Phone', value: text('phone') },
    { header: 'Address Line1', value: text('street') },
    { header: 'Address Line2', value: text('street2') },
    { header: 'Address City', value: text('city') },
    { header: 'Address State', value: text('region') },
    { header: 'Address Country', value: text('country') },
    { header: 'Address Zip', value: text('postal_code') },
    { header: 'Business Vat ID', value: text('tax_id') },
    { header: 'Tax Exempt', value: (c) => (c.tax_exempt ? 'exempt' : 'none') },
  ],
};

/** PrestaShop's built-in groups, in English and French: everyone is in one of them, so none means no group here. */
export const PRESTASHOP_GENERAL_GROUPS: ReadonlySet<string> = new Set(['visitor', 'guest', 'customer', 'visiteur', 'invité', 'client']);

/**
 * PrestaShop's customers import file (the back office's sample, and the labels of its import form) and the
 * back office's customer list export. Export writes the import file, in the column order of the import
 * form, so that no column needs matching by hand; without ids or passwords, which this store cannot give.
 */
const prestashop: Preset = {
  name: 'prestashop',
  requiresEmail: true,
  delimiter: ';',
  import: [
    { header: 'Customer ID', target: 'kept_source_id' },
    { header: 'ID', target: 'source_id' },
    { header: 'Email *', target: 'email' },
    { header: 'Email*', target: 'email' },
    { header: 'Email address', target: 'email' },
    { header: 'Password *', target: 'password' },
    { header: 'Password*', target: 'password' },
    { header: 'First Name *', target: 'first_name' },
    { header: 'First name*', target: 'first_name' },
    { header: 'First name', target: 'first_name' },
    { header: 'Last Name *', target: 'last_name' },
    { header: 'Last name*', target: 'last_name' },
    { header: 'Last name', target: 'last_name' },
    { header: 'Newsletter (0/1)', target: 'accepts_marketing' },
    { header: 'Newsletter', target: 'accepts_marketing' },
    { header: 'Registration date (yyyy-mm-dd)', target: 'created_at' },
    { header: 'Registration', target: 'created_at' },
    { header: 'Groups (x,y,z...)', target: 'prestashop_groups' },
    { header: 'Group', target: 'prestashop_groups' },
    { header: 'Company', target: 'company' },
    { header: 'Sales', target: 'formatted_amount' },
  ],
  // "Opt-in" / "Partner offers" is consent to offers of PrestaShop's partners, not to the store's own e-mails.
  ignored: [
    'Active (0/1)', 'Titles ID (Mr = 1, Ms = 2, else 0)', 'Birthday (yyyy-mm-dd)', 'Birth date (yyyy-mm-dd)', 'Opt-in (0/1)',
    'Partner offers (0/1)', 'Default group ID', 'ID / Name of the store', 'Social title', 'Enabled', 'Partner offers', 'Last visit',
  ],
  export: [
    { header: 'Customer ID', value: nothing },
    { header: 'Active (0/1)', value: () => '1' },
    { header: 'Titles ID (Mr = 1, Ms = 2, else 0)', value: () => '0' },
    { header: 'Email *', value: text('email') },
    { header: 'Password *', value: nothing },
    { header: 'Birthday (yyyy-mm-dd)', value: nothing },
    { header: 'Last Name *', value: text('last_name') },
    { header: 'First Name *', value: text('first_name') },
    { header: 'Newsletter (0/1)', value: (c) => (c.accepts_marketing ? '1' : '0') },
    { header: 'Opt-in (0/1)', value: () => '0' },
    { header: 'Registration date (yyyy-mm-dd)', value: (c) => String(c.created_at ?? '').slice(0, 10) },
    { header: 'Groups (x,y,z...)', value: (c) => ['Customer', c.group].filter(Boolean).join(', ') },
    { header: 'Default group ID', value: nothing },
  ],
};

/** A country's English name, as PrestaShop's address import matches countries by name ("United States"). */
const englishCountryName = (c: Item) => (c.country == null ? '' : (new Intl.DisplayNames(['en'], { type: 'region' }).of(String(c.country)) ?? String(c.country)));

/**
 * PrestaShop's addresses import file: one row per address, its customer named by e-mail (a customer already in
 * the store). Rows without an e-mail are suppliers' or brands' addresses: skipped. The addressee's names are
 * not the customer's: not read.
 */
const prestashopAddresses: Preset = {
  name: 'prestashop-addresses',
  requiresEmail: true,
  delimiter: ';',
  addresses: 'file',
  import: [
    { header: 'Customer e-mail*', target: 'email' },
    { header: 'Customer email*', target: 'email' },
    { header: 'Company', target: 'company' },
    { header: 'Address 1*', target: 'street' },
    { header: 'Address*', target: 'street' },
    { header: 'Address 2', target: 'street2' },
    { header: 'Address (2)', target: 'street2' },
    { header: 'Zipcode*', target: 'postal_code' },
    { header: 'Zip/Postal code*', target: 'postal_code' },
    { header: 'City*', target: 'city' },
    { header: 'Country*', target: 'country' },
    { header: 'State', target: 'region' },
    { header: 'Phone', target: 'phone' },
    { header: 'Mobile Phone', target: 'phone', rank: 1 },
  ],
  ignored: [
    'Address ID', 'Alias*', 'Active (0/1)', 'Customer ID', 'Manufacturer', 'Brand', 'Supplier', 'Lastname*', 'Firstname*', 'Last name*',
    'First name*', 'Other', 'VAT number', 'DNI', 'Identification number',
  ],
  export: [
    { header: 'Address ID', value: nothing },
    { header: 'Alias*', value: () => 'Address' },
    { header: 'Active (0/1)', value: () => '1' },
    { header: 'Customer e-mail*', value: text('email') },
    { header: 'Customer ID', value: nothing },
    { header: 'Manufacturer', value: nothing },
    { header: 'Supplier', value: nothing },
    { header: 'Company', value: text('company') },
    { header: 'Lastname*', value: text('last_name') },
    { header: 'Firstname*', value: text('first_name') },
    { header: 'Address 1*', value: text('street') },
    { header: 'Address 2', value: text('street2') },
    { header: 'Zipcode*', value: text('postal_code') },
    { header: 'City*', value: text('city') },
    { header: 'Country*', value: englishCountryName },
    { header: 'State', value: text('region') },
    { header: 'Other', value: nothing },
    { header: 'Phone', value: text('phone') },
    { header: 'Mobile Phone', value: nothing },
    { header: 'VAT number', value: nothing },
    { header: 'DNI', value: nothing },
  ],
};

/**
 * Mailchimp's audience export: one file per status. Consent is which file a row is in: the unsubscribed and
 * cleaned files have UNSUB_... or CLEAN_... columns, and none of their rows consents, whatever its cells.
 * Export writes the merge fields Mailchimp's import reads; the status is chosen there, for the whole file.
 */
const mailchimp: Preset = {
  name: 'mailchimp',
  requiresEmail: true,
  import: [
    { header: 'Email Address', target: 'email' },
    { header: 'First Name', target: 'first_name' },
    { header: 'Last Name', target: 'last_name' },
    { header: 'Phone Number', target: 'phone' },
    // One cell for the whole address, kept as the street line as it is.
    { header: 'Address', target: 'street' },
    { header: 'NOTES', target: 'note' },
    { header: 'TAGS', target: 'tag_list' },
    { header: 'OPTIN_TIME', target: 'created_at' },
    ...['MEMBER_RATING', 'LAST_CHANGED', 'LEID', 'EUID'].map((header) => ({ header, target: 'audience_member' })),
    ...['UNSUB_TIME', 'UNSUB_CAMPAIGN_TITLE', 'UNSUB_CAMPAIGN_ID', 'UNSUB_REASON', 'UNSUB_REASON_OTHER', 'CLEAN_TIME', 'CLEAN_CAMPAIGN_TITLE', 'CLEAN_CAMPAIGN_ID']
      .map((header) => ({ header, target: 'unsubscribed_file' })),
  ],
  // CC and REGION are where the subscriber's IP address was, not their address.
  ignored: ['OPTIN_IP', 'CONFIRM_TIME', 'CONFIRM_IP', 'LATITUDE', 'LONGITUDE', 'GMTOFF', 'DSTOFF', 'TIMEZONE', 'CC', 'REGION', 'Birthday'],
  export: [
    { header: 'Email Address', value: text('email') },
    { header: 'First Name', value: text('first_name') },
    { header: 'Last Name', value: text('last_name') },
    { header: 'Phone Number', value: text('phone') },
    { header: 'TAGS', value: (c) => (c.tags as string[]).map((t) => `"${t.replace(/"/g, '""')}"`).join(',') },
  ],
};

/**
 * Squarespace's profiles export (Contacts > Export all contacts). The billing address is kept; shipping
 * addresses are not read, as for WooCommerce.
 */
const squarespace: Preset = {
  name: 'squarespace',
  requiresEmail: true,
  import: [
    { header: 'Has Account', target: 'has_account' },
    { header: 'Email', target: 'email' },
    { header: 'First Name', target: 'first_name' },
    { header: 'Last Name', target: 'last_name' },
    { header: 'Created On', target: 'created_at' },
    { header: 'Order Count', target: 'order_count' },
    { header: 'Total Spent', target: 'total_spent' },
    { header: 'Tags', target: 'tag_list' },
    { header: 'Accepts Marketing', target: 'accepts_marketing' },
    { header: 'Billing Address 1', target: 'street' },
    { header: 'Billing Address 2', target: 'street2' },
    { header: 'Billing City', target: 'city' },
    { header: 'Billing Zip', target: 'postal_code' },
    { header: 'Billing Province/State', target: 'region' },
    { header: 'Billing Country', target: 'country' },
    { header: 'Billing Phone Number', target: 'phone' },
    { header: 'Shipping Phone Number', target: 'phone', rank: 1 },
  ],
  ignored: [
    'Last Order Date', 'Member Since', 'Subscriber Since', 'Subscriber Source', 'Mailing Lists', 'Member Areas', 'Donation Count',
    'Last Donation Date', 'Total Donation Amount', 'Customer Since', 'Billing Name', 'Shipping Name', 'Shipping Address 1',
    'Shipping Address 2', 'Shipping City', 'Shipping Zip', 'Shipping Province/State', 'Shipping Country',
  ],
  export: [
    { header: 'Email', value: text('email') },
    { header: 'First Name', value: text('first_name') },
    { header: 'Last Name', value: text('last_name') },
    { header: 'Created On', value: text('created_at') },
    { header: 'Order Count', value: text('order_count') },
    { header: 'Total Spent', value: text('total_spent') },
    { header: 'Tags', value: tags },
    { header: 'Billing Address 1', value: text('street') },
    { header: 'Billing Address 2', value: text('street2') },
    { header: 'Billing City', value: text('city') },
    { header: 'Billing Zip', value: text('postal_code') },
    { header: 'Billing Province/State', value: text('region') },
    { header: 'Billing Country', value: text('country') },
    { header: 'Billing Phone Number', value: text('phone') },
    { header: 'Accepts Marketing', value: (c) => (c.accepts_marketing ? 'Yes' : 'No') },
  ],
};

/** Wix's numbered columns beyond the first (Email 2, Address 3 - City, ...): the first e-mail and address are kept. */
const WIX_ADDRESS_PARTS = ['Type', 'Street', 'Street Line 2', 'City', 'State/Region', 'Zip', 'Country'];
const wixMore = (from: number) => Array.from({ length: 10 - from + 1 }, (_, i) => i + from);

const wixSubscribed = (field: string) => (c: Item) => (c[field] ? 'Subscribed' : 'Unsubscribed');

/**
 * Wix's contacts export (Wix Stores customers are contacts). Consent is per channel: "Subscribed" only.
 * Phones 2 to 4 stand in for an empty Phone 1.
 */
const wix: Preset = {
  name: 'wix',
  import: [
    { header: 'First Name', target: 'first_name' },
    { header: 'Last Name', target: 'last_name' },
    { header: 'Email 1', target: 'email' },
    ...[1, 2, 3, 4].map((n) => ({ header: `Phone ${n}`, target: 'phone', rank: n - 1 })),
    { header: 'Address 1 - Street', target: 'street' },
    { header: 'Address 1 - Street Line 2', target: 'street2' },
    { header: 'Address 1 - City', target: 'city' },
    { header: 'Address 1 - State/Region', target: 'region' },
    { header: 'Address 1 - Zip', target: 'postal_code' },
    { header: 'Address 1 - Country', target: 'country' },
    { header: 'Company', target: 'company' },
    { header: 'Labels', target: 'tag_list' },
    { header: 'Created At (UTC+0)', target: 'created_at' },
    { header: 'Email subscriber status', target: 'email_subscriber_status' },
    { header: 'SMS subscriber status', target: 'sms_subscriber_status' },
  ],
  ignored: [
    'Address 1 - Type', 'Last Activity', 'Last Activity Date (UTC+0)', 'Source', 'Message', 'Subject',
    ...wixMore(2).map((n) => `Email ${n}`), ...wixMore(5).map((n) => `Phone ${n}`),
    ...wixMore(2).flatMap((n) => WIX_ADDRESS_PARTS.map((part) => `Address ${n} - ${part}`)),
  ],
  export: [
    { header: 'First Name', value: text('first_name') },
    { header: 'Last Name', value: text('last_name') },
    { header: 'Email 1', value: text('email') },
    { header: 'Phone 1', value: text('phone') },
    { header: 'Address 1 - Street', value: text('street') },
    { header: 'Address 1 - Street Line 2', value: text('street2') },
    { header: 'Address 1 - City', value: text('city') },
    { header: 'Address 1 - State/Region', value: text('region') },
    { header: 'Address 1 - Zip', value: text('postal_code') },
    { header: 'Address 1 - Country', value: text('country') },
    { header: 'Company', value: text('company') },
    { header: 'Labels', value: tags },
    { header: 'Created At (UTC+0)', value: text('created_at') },
    { header: 'Email subscriber status', value: wixSubscribed('accepts_marketing') },
    { header: 'SMS subscriber status', value: wixSubscribed('accepts_sms_marketing') },
  ],
};

/** Columns that feed one target, under any of these headers. */
const headers = (target: string, names: readonly string[], rank?: number): ImportColumn[] => names.map((header) => ({ header, target, rank }));

/**
 * A spreadsheet a merchant made, with headers in English, French, Italian, Dutch, German or Spanish (the
 * words of docs/formats-research.md, section 8). "Nom" and "Name" are the last name beside a first-name
 * column, else the whole name; "Nome" and "Nombre" the first name beside a last-name column, else the whole
 * name. Export writes the English headers.
 */
const generic: Preset = {
  name: 'generic',
  import: [
    ...headers('email', ['Email', 'E-mail', 'Email Address', 'E-mail address', 'Adresse e-mail', 'Adresse email', 'Courriel', 'Mail', 'E-mailadres',
      'E-Mail-Adresse', 'Correo', 'Correo electrónico']),
    ...headers('first_name', ['First Name', 'Firstname', 'Prénom', 'Prenom', 'Voornaam', 'Vorname']),
    ...headers('last_name', ['Last Name', 'Lastname', 'Surname', 'Nom de famille', 'Cognome', 'Achternaam', 'Nachname', 'Apellidos', 'Apellido']),
    ...headers('full_name', ['Full Name', 'Nom complet', 'Nome e cognome', 'Nome Cognome', 'Naam', 'Nombre completo'], 1),
    ...headers('last_or_full_name', ['Name', 'Nom'], 1),
    ...headers('first_or_full_name', ['Nome', 'Nombre'], 1),
    ...headers('phone', ['Phone', 'Phone Number', 'Telephone', 'Téléphone', 'Telefono', 'Telefoon', 'Telefoonnummer', 'Telefon', 'Teléfono']),
    ...headers('phone', ['Mobile', 'Portable', 'Cellulare', 'Mobiel', 'Mobil', 'Handy', 'Móvil'], 1),
    ...headers('company', ['Company', 'Société', 'Entreprise', 'Azienda', 'Società', 'Ragione sociale', 'Bedrijf', 'Bedrijfsnaam', 'Firma',
      'Unternehmen', 'Empresa']),
    ...headers('street', ['Address', 'Address 1', 'Street', 'Adresse', 'Rue', 'Indirizzo', 'Via', 'Adres', 'Straat', 'Straatnaam', 'Straße', 'Strasse',
      'Dirección', 'Calle']),
    ...headers('street2', ['Address 2']),
    ...headers('postal_code', ['Zip', 'Zip Code', 'Postal Code', 'Postcode', 'Code postal', 'CP', 'CAP', 'PLZ', 'Postleitzahl', 'Código postal']),
    ...headers('city', ['City', 'Ville', 'Città', 'Plaats', 'Woonplaats', 'Plaatsnaam', 'Ort', 'Stadt', 'Ciudad', 'Localidad', 'Población']),
    ...headers('region', ['Region', 'State', 'Province']),
    ...headers('country', ['Country', 'Pays', 'Paese', 'Nazione', 'Land', 'País']),
    ...headers('accepts_marketing', ['Accepts Marketing', 'Newsletter', 'Subscribed', 'Opt-in', 'Optin', 'Abonné', 'Consenso', 'Iscritto', 'Nieuwsbrief',
      'Aangemeld', 'Einwilligung', 'Empfängt E-Mail', 'Boletín', 'Suscrito']),
    ...headers('password', ['Password', 'Mot de passe', 'mdp', 'Wachtwoord', 'Passwort', 'Kennwort', 'Contraseña']),
    ...headers('tag_list', ['Tags', 'Tag', 'Labels', 'Étiquettes', 'Etichette', 'Schlagwörter', 'Etiquetas']),
    ...headers('note', ['Notes', 'Note', 'Remarques', 'Commentaire', 'Notities', 'Opmerking', 'Notizen', 'Notiz', 'Bemerkung', 'Notas', 'Observaciones']),
  ],
  ignored: [],
  export: [
    { header: 'Email', value: text('email') },
    { header: 'First Name', value: text('first_name') },
    { header: 'Last Name', value: text('last_name') },
    { header: 'Phone', value: text('phone') },
    { header: 'Company', value: text('company') },
    { header: 'Address', value: text('street') },
    { header: 'Address 2', value: text('street2') },
    { header: 'Postal Code', value: text('postal_code') },
    { header: 'City', value: text('city') },
    { header: 'Region', value: text('region') },
    { header: 'Country', value: text('country') },
    { header: 'Newsletter', value: yesNo('accepts_marketing') },
    { header: 'Tags', value: tags },
    { header: 'Notes', value: text('note') },
  ],
};

export const PRESETS: Record<PresetName, Preset> = {
  native, shopify, ecwid, woocommerce, magento, 'magento-addresses': magentoAddresses, bigcommerce, stripe, prestashop, 'prestashop-addresses': prestashopAddresses, mailchimp, squarespace, wix, generic,
};

/** A header as presets match it: ignoring case, surrounding spaces and doubled spaces ("Active  (0/1)"). */
/** The platform a preset's files come from, whose ids its source id column holds (none for native and generic files). */
export function platformOf(preset: Preset): string | null {
  return preset.name === 'native' || preset.name === 'generic' ? null : preset.name.replace(/-addresses$/, '');
}

export function headerKey(header: string): string {
  return header.trim().replace(/\s+/g, ' ').toLowerCase();
}

export interface Detection {
  preset: Preset;
  recognised: number;
}

/**
 * The preset that recognises most of the header's columns; it must recognise an e-mail column. On a tie,
 * the preset whose header names match in their exact case wins ("id,Email" is Stripe's, "id,email" this
 * tool's), then the earlier one in PRESET_NAMES (native first).
 */
export function detectPreset(headers: readonly string[]): Detection | undefined {
  let best: (Detection & { exact: number }) | undefined;
  for (const name of PRESET_NAMES) {
    const preset = PRESETS[name];
    const names = [...preset.import.map((c) => c.header), ...preset.ignored];
    const known = new Map(preset.import.map((c) => [headerKey(c.header), c.target]));
    const keys = new Set(names.map(headerKey));
    if (!headers.some((h) => known.get(headerKey(h)) === 'email')) continue;
    const recognised = headers.filter((h) => keys.has(headerKey(h))).length;
    const exact = headers.filter((h) => names.includes(h.trim())).length;
    if (!best || recognised > best.recognised || (recognised === best.recognised && exact > best.exact)) best = { preset, recognised, exact };
  }
  return best && { preset: best.preset, recognised: best.recognised };
}
