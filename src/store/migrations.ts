/**
 * Versioned schema migrations. `PRAGMA user_version` holds the number of migrations applied;
 * a store with a higher number was written by a newer `customers` and is refused.
 */
import { FILL_SEARCH_INDEX_SQL, SEARCH_INDEX_OPTIONS } from './search-index.js';

export const MIGRATIONS: readonly string[] = [
  // 1: customers, groups, tags, settings, search index
  `
  CREATE TABLE groups (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at  TEXT NOT NULL
  );

  CREATE TABLE customers (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    email              TEXT NOT NULL UNIQUE,
    first_name         TEXT,
    last_name          TEXT,
    phone              TEXT,
    company            TEXT,
    group_id           INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    tax_exempt         INTEGER NOT NULL DEFAULT 0 CHECK (tax_exempt IN (0, 1)),
    tax_id             TEXT,
    accepts_marketing  INTEGER NOT NULL DEFAULT 0 CHECK (accepts_marketing IN (0, 1)),
    lang               TEXT,
    note               TEXT,
    street             TEXT,
    street2            TEXT,
    city               TEXT,
    region             TEXT,
    postal_code        TEXT,
    country            TEXT,
    order_count        INTEGER NOT NULL DEFAULT 0 CHECK (order_count >= 0),
    total_spent_minor  INTEGER NOT NULL DEFAULT 0,
    password_hash      TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
  );
  -- By group in id order (every index ends with the rowid): "--group G ... --limit 50" reads 50 rows, no sort.
  CREATE INDEX customers_group ON customers (group_id);
  CREATE INDEX customers_order_count ON customers (order_count);
  CREATE INDEX customers_country ON customers (country);
  CREATE INDEX customers_created_at ON customers (created_at);

  CREATE TABLE customer_tags (
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    tag          TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (customer_id, tag)
  ) WITHOUT ROWID;
  CREATE INDEX customer_tags_tag ON customer_tags (tag, customer_id);

  CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
  ) WITHOUT ROWID;

  -- Substring search over name, e-mail, phone (also as bare digits) and company:
  -- trigram tokens, case-folded and with diacritics removed, so "helene" finds "Hélène".
  -- Kept by src/store/search-index.ts, not by triggers: a trigger makes FTS5 flush its pending terms on
  -- every row (a statement savepoint each time), which made inserts three times slower.
  CREATE VIRTUAL TABLE customers_search USING fts5 (
    name, email, phone, company,
    content = '', contentless_delete = 1,
    tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
  );

  `,
  // 2: one-time login links; only a SHA-256 hash of each token is kept
  `
  CREATE TABLE login_links (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id  INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    used_at      TEXT,
    revoked_at   TEXT,
    sent_at      TEXT,
    send_error   TEXT
  );
  CREATE INDEX login_links_customer ON login_links (customer_id);
  `,
  // 3: consent to marketing SMS, kept apart from e-mail consent (consent is per channel)
  `
  ALTER TABLE customers ADD COLUMN accepts_sms_marketing INTEGER NOT NULL DEFAULT 0 CHECK (accepts_sms_marketing IN (0, 1));
  `,
  // 4: the customer's id on the platform it came from, by which a re-import finds it
  `
  ALTER TABLE customers ADD COLUMN source_id TEXT;
  CREATE INDEX customers_source_id ON customers (source_id);
  `,
  // 5: the e-mail becomes optional (phone-only and in-store customers), still unique when present. SQLite
  // cannot drop a NOT NULL: the table is rebuilt (foreign keys are off while migrating, see open.ts), its ids
  // and its sequence kept (ids are never reused), its indexes made again.
  `
  CREATE TABLE customers_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    email              TEXT UNIQUE,
    first_name         TEXT,
    last_name          TEXT,
    phone              TEXT,
    company            TEXT,
    group_id           INTEGER REFERENCES groups(id) ON DELETE SET NULL,
    tax_exempt         INTEGER NOT NULL DEFAULT 0 CHECK (tax_exempt IN (0, 1)),
    tax_id             TEXT,
    accepts_marketing  INTEGER NOT NULL DEFAULT 0 CHECK (accepts_marketing IN (0, 1)),
    lang               TEXT,
    note               TEXT,
    street             TEXT,
    street2            TEXT,
    city               TEXT,
    region             TEXT,
    postal_code        TEXT,
    country            TEXT,
    order_count        INTEGER NOT NULL DEFAULT 0 CHECK (order_count >= 0),
    total_spent_minor  INTEGER NOT NULL DEFAULT 0,
    password_hash      TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    accepts_sms_marketing INTEGER NOT NULL DEFAULT 0 CHECK (accepts_sms_marketing IN (0, 1)),
    source_id          TEXT
  );
  INSERT INTO customers_new SELECT * FROM customers;
  DELETE FROM sqlite_sequence WHERE name = 'customers_new';
  INSERT INTO sqlite_sequence (name, seq) SELECT 'customers_new', seq FROM sqlite_sequence WHERE name = 'customers';
  DROP TABLE customers;
  ALTER TABLE customers_new RENAME TO customers;
  CREATE INDEX customers_group ON customers (group_id);
  CREATE INDEX customers_order_count ON customers (order_count);
  CREATE INDEX customers_country ON customers (country);
  CREATE INDEX customers_created_at ON customers (created_at);
  CREATE INDEX customers_source_id ON customers (source_id);
  `,
  // 6: which platform a source id is an id of: two platforms' ids may be the same number
  `
  ALTER TABLE customers ADD COLUMN source TEXT;
  `,
  // 7: the history of operations, with what undo needs to reverse each one (src/core/history.ts): the
  // customers, groups and settings as they were before it (NULL: it created them), and the id ranges of the
  // customers it created (an import of a million new customers keeps one row, not a million images).
  `
  CREATE TABLE history (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT NOT NULL,
    at          TEXT NOT NULL,
    command     TEXT NOT NULL,
    customers   INTEGER NOT NULL DEFAULT 0,
    reversible  INTEGER NOT NULL DEFAULT 1 CHECK (reversible IN (0, 1)),
    undoes      INTEGER REFERENCES history(id) ON DELETE SET NULL,
    undone_by   INTEGER REFERENCES history(id) ON DELETE SET NULL
  );
  CREATE INDEX history_at ON history (at);
  CREATE TABLE history_customers (
    op           INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,
    customer_id  INTEGER NOT NULL,
    action       TEXT NOT NULL,
    before       TEXT,
    PRIMARY KEY (op, customer_id)
  ) WITHOUT ROWID;
  CREATE TABLE history_created (
    op        INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,
    first_id  INTEGER NOT NULL,
    last_id   INTEGER NOT NULL CHECK (last_id >= first_id),
    PRIMARY KEY (op, first_id)
  ) WITHOUT ROWID;
  CREATE TABLE history_groups (
    op        INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,
    group_id  INTEGER NOT NULL,
    before    TEXT,
    PRIMARY KEY (op, group_id)
  ) WITHOUT ROWID;
  CREATE TABLE history_settings (
    op      INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,
    key     TEXT NOT NULL,
    before  TEXT,
    PRIMARY KEY (op, key)
  ) WITHOUT ROWID;
  `,
  // 8: the orders ledger and store accounts. `order_count`, `total_spent_minor`, `first_order_at` and
  // `last_order_at` keep what an import brought (a migrated customer's history); the ledger's own figures are
  // kept beside them (`ledger_*`, src/core/orders.ts), and a customer's statistics are the two together.
  // An order keeps its e-mail: a deleted customer's orders stay, and link again to a customer with it.
  // Customers who had a password or a login link had an account; the others are contacts.
  `
  CREATE TABLE orders (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    number       TEXT NOT NULL UNIQUE COLLATE NOCASE,
    customer_id  INTEGER REFERENCES customers(id) ON DELETE SET NULL,
    email        TEXT,
    total_minor  INTEGER NOT NULL CHECK (total_minor >= 0),
    currency     TEXT NOT NULL,
    placed_at    TEXT NOT NULL,
    created_at   TEXT NOT NULL
  );
  CREATE INDEX orders_customer ON orders (customer_id, placed_at);
  CREATE INDEX orders_email ON orders (email);
  CREATE INDEX orders_placed_at ON orders (placed_at);

  ALTER TABLE customers ADD COLUMN first_order_at TEXT;
  ALTER TABLE customers ADD COLUMN last_order_at TEXT;
  ALTER TABLE customers ADD COLUMN ledger_orders INTEGER NOT NULL DEFAULT 0 CHECK (ledger_orders >= 0);
  ALTER TABLE customers ADD COLUMN ledger_spent_minor INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE customers ADD COLUMN ledger_first_at TEXT;
  ALTER TABLE customers ADD COLUMN ledger_last_at TEXT;
  ALTER TABLE customers ADD COLUMN has_account INTEGER NOT NULL DEFAULT 0 CHECK (has_account IN (0, 1));
  ALTER TABLE customers ADD COLUMN last_login_at TEXT;
  UPDATE customers SET has_account = 1 WHERE password_hash IS NOT NULL OR id IN (SELECT customer_id FROM login_links);
  UPDATE customers SET last_login_at = (SELECT max(used_at) FROM login_links l WHERE l.customer_id = customers.id);
  -- Filters and sorts read the statistics as the two together: indexed as such.
  DROP INDEX customers_order_count;
  CREATE INDEX customers_orders ON customers (order_count + ledger_orders);
  -- Login links are for account holders: a customer made a contact loses its unused ones, whoever changes it.
  CREATE TRIGGER customers_account_closed AFTER UPDATE OF has_account ON customers
  WHEN new.has_account = 0 AND old.has_account = 1
  BEGIN
    UPDATE login_links SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE customer_id = new.id AND used_at IS NULL AND revoked_at IS NULL;
  END;

  CREATE TABLE history_orders (
    op        INTEGER NOT NULL REFERENCES history(id) ON DELETE CASCADE,
    first_id  INTEGER NOT NULL,
    last_id   INTEGER NOT NULL CHECK (last_id >= first_id),
    before    TEXT,
    PRIMARY KEY (op, first_id)
  ) WITHOUT ROWID;
  `,
  // 9: the search index keeps which customers hold each trigram, not where (a third of the size; see
  // search-index.ts), built again from the customers (about 8 s for a million).
  `
  DROP TABLE customers_search;
  CREATE VIRTUAL TABLE customers_search USING fts5 (name, email, phone, company, ${SEARCH_INDEX_OPTIONS});
  ${FILL_SEARCH_INDEX_SQL}
  `,
  // 10: "top customers by spend", "first" and "most recent order" read 50 index entries instead of sorting a
  // million rows (0.8 s at a million customers). Each index is of the expression listings sort and filter by
  // (fields.ts), so that SQLite uses it; built-in functions only, so any program can still write the table.
  `
  CREATE INDEX customers_spent ON customers (total_spent_minor + ledger_spent_minor);
  CREATE INDEX customers_first_order ON customers (coalesce(min(first_order_at, ledger_first_at), first_order_at, ledger_first_at));
  CREATE INDEX customers_last_order ON customers (coalesce(max(last_order_at, ledger_last_at), last_order_at, ledger_last_at));
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
