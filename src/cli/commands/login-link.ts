/** login-link issue | redeem | verify | list | revoke | purge */
import type { Command } from 'commander';
import { Option } from 'commander';
import { MailError, UsageError, ValidationError } from '../../common/errors.js';
import { escapeControls } from '../../common/shown.js';
import { CUSTOMER_FIELDS } from '../../core/fields.js';
import { DEFAULT_LINK_TTL_SECONDS, LINK_STATUSES, type LoginLinkStatus } from '../../core/link-statuses.js';
import type { IssuedLink, IssueResult, LinkListRow } from '../../core/login-links.js';
import { checkSetting, getSetting } from '../../core/settings.js';
import { formatDuration, parseDuration } from '../../core/values.js';
import type { Mailer } from '../../mail/transport.js';
import type { Db, Store } from '../../store/open.js';
import { examples } from '../help.js';
import type { Context } from '../context.js';
import { addFilterOptions, addOutputOptions, type FilterFlags, filterFromFlags, type Format, type OutputFlags } from '../options.js';
import { confirmOrCancel } from '../prompts.js';
import { Progress } from '../render/progress.js';
import { chooseColumns, chooseFormat, type Column, renderItems, renderRecord } from '../render/render.js';
import { asUsageError, asUsageErrorAsync, exclusive, parser } from '../usage.js';
import { resolveRefArg } from './refs.js';
import { buildSelection, plural, someNamed } from './selection.js';

const LINK_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'int' },
  { name: 'customer_id', type: 'int' },
  { name: 'email', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'expires_at', type: 'timestamp' },
  { name: 'used_at', type: 'timestamp' },
  { name: 'revoked_at', type: 'timestamp' },
  { name: 'sent_at', type: 'timestamp' },
  { name: 'send_error', type: 'text' },
];

const parseDurationArg = parser(parseDuration);

/** The login-link logic, loaded by the commands that use it (it brings node:crypto, a few ms at start-up). */
const core = () => import('../../core/login-links.js');

interface IssueFlags extends FilterFlags {
  all?: boolean;
  ttl: number;
  url?: string;
  keepOthers?: boolean;
  createAccount?: boolean;
  send?: boolean;
  unsent?: boolean;
  smtp?: string;
  mailDir?: string;
  from?: string;
  format?: Format;
  json?: boolean;
  fields?: string;
  raw?: boolean;
  dryRun?: boolean;
  yes?: boolean;
}

export function registerLoginLinkCommands(program: Command, ctx: Context): void {
  const links = program
    .command('login-link')
    .description('one-time login links: issue (and e-mail), redeem, verify, list, revoke, purge')
    .addHelpText(
      'after',
      `
A link carries a random 256-bit token; only its SHA-256 hash is stored. It works once, for --ttl (14d).

Examples:
  customers config set store.login_url 'https://shop.example.com/account/login?key={token}'
  customers login-link issue alice@example.com
  customers login-link issue --tag migrated --send --smtp smtp://mail.example.com:587 --from shop@example.com`,
    );
  registerIssue(links, ctx);
  registerRedeemAndVerify(links, ctx);
  registerList(links, ctx);
  registerRevokeAndPurge(links, ctx);
}

function registerIssue(links: Command, ctx: Context): void {
  const issue = links
    .command('issue')
    .description('issue a login link to each selected customer and print the URLs (email and url of each)')
    .argument('[refs...]', 'customer ids or e-mails');
  addFilterOptions(issue)
    .option('--all', 'every customer (when no REF or filter is given)')
    .addOption(
      new Option('--ttl <duration>', 'how long the link works: 30s, 15m, 2h, 14d, 2w, 1h30m').argParser(parseDurationArg).default(DEFAULT_LINK_TTL_SECONDS, formatDuration(DEFAULT_LINK_TTL_SECONDS)),
    )
    .option('--url <template>', 'URL with {token} (and {email}, {id}); default: the store.login_url setting')
    .option('--keep-others', "keep the customer's older unused links (by default they are revoked)")
    .option('--create-account', 'give a store account to selected customers who have none (else they are refused)')
    .option('--send', 'e-mail each link (each selected customer gets a new link and an e-mail, even one e-mailed before)')
    .option('--unsent', 'with --send: resume an interrupted send; only customers whose latest link was never e-mailed get a new one, e-mailed')
    .option('--smtp <url>', 'SMTP server: smtp://user:pass@host:port (STARTTLS), smtps://..., or file:///DIR (default: $CUSTOMERS_SMTP_URL, mail.smtp_url)')
    .option('--mail-dir <dir>', 'with --send: write each e-mail as an .eml file in DIR (created if missing) instead of sending it')
    .option('--from <address>', 'sender (default: $CUSTOMERS_MAIL_FROM, mail.from)')
    .option('--dry-run', 'list who would get a link and who an e-mail; issue and send nothing')
    .option('-y, --yes', 'with filters or --all: do not ask for confirmation (needed where there is no terminal)');
  addOutputOptions(issue, ['table', 'json', 'jsonl', 'csv', 'tsv'])
    .addHelpText(
      'after',
      `
Output: one REF alone (no filter, no --format/--json/--fields) prints the bare URL, so that
URL=$(customers login-link issue alice@example.com) works. Otherwise one row a link: email and url
(a table on a terminal, else tsv with a header line); --json/--format json(l) give every field
(id, customer_id, email, url, expires_at; sent, send_error with --send). --fields picks others.

A token is shown only here and in the e-mail (only its hash is kept), so a link cannot be e-mailed again
later. If a send stops half-way (a refused address, a server down, Ctrl-C), run the same command with
--unsent: the customers whose latest active link was never e-mailed get a new one in its place (the
unsent one is revoked), e-mailed; the others get nothing. Without --unsent, a re-run issues and e-mails
new links to everyone selected again.

Examples:
  customers login-link issue alice@example.com --send --mail-dir ./mails   # an .eml file, no SMTP server
  customers login-link issue --tag migrated --send --yes
  customers login-link issue --tag migrated --send --unsent --yes         # resume: only those not e-mailed`,
    )
    .action((refs: string[], flags: IssueFlags) => runIssue(ctx, refs, flags));
}

/** The flags of issue that go together, checked before the store is opened. */
function checkIssueFlags(flags: IssueFlags): void {
  exclusive({ '--mail-dir': flags.mailDir !== undefined, '--smtp': flags.smtp !== undefined });
  if (flags.unsent && !flags.send) throw new UsageError('--unsent e-mails the links not e-mailed yet: pass --send with it');
  if (flags.mailDir !== undefined && !flags.send) throw new UsageError('--mail-dir is where --send writes the e-mails: pass --send with it');
}

const ISSUED_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'int' },
  { name: 'customer_id', type: 'int' },
  { name: 'email', type: 'text' },
  { name: 'url', type: 'text', whole: true },
  { name: 'expires_at', type: 'timestamp' },
  { name: 'sent', type: 'bool' },
  { name: 'send_error', type: 'text' },
];

/**
 * How the issued links are printed: the bare URL when one REF alone was given (the shape of the output is
 * known from the command line, never from how many customers a filter happened to find), else a listing.
 */
function issuedOutput(ctx: Context, refs: string[], refsOnly: boolean, flags: IssueFlags): { format: Format; columns: Column[] } | 'url' {
  if (refs.length === 1 && refsOnly && !flags.format && !flags.json && flags.fields === undefined) return 'url';
  const format = chooseFormat(ctx, flags);
  const all = ISSUED_COLUMNS.filter((c) => flags.send || (c.name !== 'sent' && c.name !== 'send_error'));
  const defaults = format === 'json' || format === 'jsonl' ? undefined : ['email', 'url'];
  return { format, columns: chooseColumns(all, flags.fields, defaults) };
}

async function runIssue(ctx: Context, refs: string[], flags: IssueFlags): Promise<void> {
  checkIssueFlags(flags);
  const { issueLoginLinks, loginUrlTemplate } = await core();
  const store = await ctx.store({ create: false, dryRun: flags.dryRun });
  const template = asUsageError(() => loginUrlTemplate(store.db, flags.url));
  const selection = buildSelection(store.db, filterFromFlags(flags), refs.map((ref) => ({ ref, where: ref })), { all: flags.all });
  const output = issuedOutput(ctx, refs, selection.refsOnly, flags);
  const issue = (dryRun: boolean) =>
    issueLoginLinks(store, selection.filter, {
      template, ttlSeconds: flags.ttl, keepOthers: Boolean(flags.keepOthers), now: ctx.io.now(), forMail: Boolean(flags.send), unsentOnly: flags.unsent, dryRun, createAccount: flags.createAccount,
    });
  if (flags.dryRun) return printWouldIssue(ctx, issue(true), flags);
  const mail = flags.send ? await openMail(ctx, store.db, flags) : undefined;
  try {
    // Filters or --all may reach the whole list: say how many links (and e-mails) before issuing them.
    if (!selection.refsOnly && !flags.yes) {
      const would = issue(true).links;
      if (would.length) {
        const named = someNamed(would.slice(0, 3).map((l) => ({ id: l.customer_id, label: l.email })), would.length);
        await confirmOrCancel(ctx, `Issue ${plural(would.length, 'login link')}${mail ? ' and e-mail them' : ''} (${named})?`, flags.yes);
      }
    }
    const result = issue(false);
    const sent = mail ? await sendLinks(ctx, store, result.links, mail) : undefined;
    await printIssued(ctx, result.links, sent, output, flags.raw);
    reportIssued(ctx, result, sent, mail?.mailer.dir);
  } finally {
    mail?.mailer.close();
  }
}

/** What issue did, on stderr; an error (exit 1) when nothing could be e-mailed or some e-mails failed. */
function reportIssued(ctx: Context, { links: issued, passedOver }: IssueResult, sent: Map<number, string | null> | undefined, mailDir: string | undefined): void {
  const noEmail = passedOver.filter((p) => p.why === 'no e-mail').length;
  const noUnsent = passedOver.length - noEmail;
  if (noEmail && !issued.length && !noUnsent) {
    throw new ValidationError(`${noEmail === 1 ? 'the customer has' : `the ${noEmail} customers have`} no e-mail address: no link can be e-mailed`, [
      'Run without --send to get the link, or add an e-mail first (customers edit REF --email ADDRESS).',
    ]);
  }
  if (issued.length === 0 && passedOver.length === 0) ctx.say('No customers match; no link was issued.');
  else if (issued.length) ctx.say(`Issued ${plural(issued.length, 'login link')}, valid until ${issued[0].expires_at}.`);
  if (noUnsent) ctx.say(`${plural(noUnsent, 'customer')} had no link left unsent; nothing was issued or e-mailed to them.`);
  // Not "run without --send": that would issue everyone a new link and revoke the ones just e-mailed.
  if (noEmail) ctx.say(`${plural(noEmail, 'customer')} without an e-mail address got no link (to give them one: the same command with --no-email instead of --send).`);
  if (!sent) return;
  const failed = [...sent.values()].filter((v) => v !== null).length;
  const where = mailDir !== undefined ? ` (as .eml files in ${mailDir})` : '';
  ctx.say(`E-mailed ${plural(issued.length - failed, 'link')}${where}${failed ? `; ${failed} failed (to retry only those: the same command with --unsent)` : ''}.`);
  if (failed) throw new MailError(`${plural(failed, 'e-mail')} not sent`);
}

const WOULD_COLUMNS: readonly Column[] = [
  { name: 'customer_id', type: 'int' },
  { name: 'email', type: 'text' },
  { name: 'would', type: 'text' },
];

/** A dry run of issue: who would get a link, who an e-mail, who nothing and why; no token is made public. */
async function printWouldIssue(ctx: Context, result: IssueResult, flags: IssueFlags): Promise<void> {
  const doing = flags.unsent ? 'issue a new link in place of the unsent one and e-mail it' : flags.send ? 'issue a link and e-mail it' : 'issue a link';
  const rows = [
    ...result.links.map((l) => ({ customer_id: l.customer_id, email: l.email, would: doing })),
    ...result.passedOver.map((p) => ({ customer_id: p.customer_id, email: p.email, would: p.why === 'no e-mail' ? 'nothing: no e-mail address' : 'nothing: its latest link was e-mailed' })),
  ].sort((a, b) => a.customer_id - b.customer_id);
  const mailed = flags.send ? result.links.length : 0;
  if (flags.json) {
    ctx.io.stdout.write(JSON.stringify({ would_issue: result.links.length, would_email: mailed, dry_run: true, customers: rows }, null, 2) + '\n');
  } else {
    await renderItems(ctx, rows, { format: chooseFormat(ctx, {}), columns: WOULD_COLUMNS, limited: true });
  }
  ctx.say(`Would issue ${plural(result.links.length, 'login link')}${flags.send ? ` and e-mail ${mailed}` : ''}; ${plural(result.passedOver.length, 'customer')} would get none (dry run: nothing was issued or sent).`);
}

/** E-mails the links with progress on a terminal, saying each failure as it happens. */
async function sendLinks(ctx: Context, store: Store, issued: IssuedLink[], mail: { mailer: Mailer; from: string }): Promise<Map<number, string | null>> {
  const { mailLoginLinks } = await import('../../core/login-mail.js');
  const progress = new Progress(ctx, undefined, 'e-mails');
  try {
    return await mailLoginLinks(store, issued, {
      ...mail,
      now: ctx.io.now,
      onEach: ({ link, error }, done) => {
        if (error !== null) {
          progress.done();
          ctx.io.stderr.write(escapeControls(`not sent to ${link.email} (link ${link.id}): ${error}`) + '\n');
        }
        progress.update(done, 0);
      },
    });
  } finally {
    progress.done();
  }
}

/** The bare URL, or one row a link (with whether each was sent, when e-mailed); the only place a token is shown. */
async function printIssued(ctx: Context, issued: IssuedLink[], sent: Map<number, string | null> | undefined, output: ReturnType<typeof issuedOutput>, raw?: boolean): Promise<void> {
  if (output === 'url') {
    ctx.io.stdout.write(issued.map((l) => `${l.url}\n`).join(''));
    return;
  }
  const rows = issued.map(({ lang: _lang, ...link }) => (sent ? { ...link, sent: sent.get(link.id) === null, send_error: sent.get(link.id) ?? null } : link));
  // Every row, also in a table on a terminal: these URLs are never shown again.
  await renderItems(ctx, rows, { ...output, limited: true, raw });
}

/** Where --send delivers (an SMTP server or a folder of .eml files) and the sender, checked (and connected) before any link is issued. */
async function openMail(ctx: Context, db: Db, flags: IssueFlags): Promise<{ mailer: Mailer; from: string }> {
  const target = flags.mailDir !== undefined ? undefined : (flags.smtp ?? ctx.io.env.CUSTOMERS_SMTP_URL ?? getSetting(db, 'mail.smtp_url'));
  if (flags.mailDir === undefined && !target) {
    throw new UsageError('--send needs an SMTP server: pass --smtp smtp://host:port, set CUSTOMERS_SMTP_URL, or customers config set mail.smtp_url URL', [
      'Or write the e-mails to files instead: --mail-dir DIR (or an SMTP URL of file:///DIR).',
    ]);
  }
  const fromRaw = flags.from ?? ctx.io.env.CUSTOMERS_MAIL_FROM ?? getSetting(db, 'mail.from');
  if (!fromRaw) throw new UsageError('--send needs a sender: pass --from shop@example.com, set CUSTOMERS_MAIL_FROM, or customers config set mail.from ADDRESS');
  const from = asUsageError(() => checkSetting('mail.from', fromRaw));
  const { openMailer } = await import('../../mail/transport.js');
  const { openMailDir } = await import('../../mail/mail-dir.js');
  // A URL that is not an SMTP one is a usage error; a server that cannot be reached stays an error (exit 1).
  const mailer = await asUsageErrorAsync(() => (flags.mailDir !== undefined ? openMailDir(flags.mailDir) : openMailer(target!)));
  if (mailer.createdDir) ctx.say(`Created the folder ${mailer.createdDir} for the e-mails.`);
  return { mailer, from };
}

function registerRedeemAndVerify(links: Command, ctx: Context): void {
  for (const [name, description] of [
    ['redeem', 'use a login link (once): print its customer, or fail with unknown, expired, used or revoked'],
    ['verify', 'check a login link without using it: print its customer, or fail with the reason'],
  ] as const) {
    links
      .command(name)
      .description(description)
      .addHelpText('after', examples(`customers login-link ${name} 'https://shop.example.com/account/login?key=3q2-7Xb...'`, `customers login-link ${name} 3q2-7Xb... --json`))
      .argument('<token-or-url>', 'the token, or the whole login URL (after -- when it starts with "-")')
      .option('--json', 'print the customer (and the link) as JSON; on failure {"ok": false, "reason": ...}')
      .action(async (tokenOrUrl: string, flags: { json?: boolean }) => {
        const { LoginLinkError } = await core();
        const api = await ctx.api({ create: false });
        try {
          const { link, customer } = name === 'redeem' ? api.loginLinks.redeem(tokenOrUrl) : api.loginLinks.verify(tokenOrUrl);
          if (flags.json) {
            ctx.io.stdout.write(JSON.stringify({ ok: true, link, customer }, null, 2) + '\n');
          } else {
            await renderRecord(ctx, customer, CUSTOMER_FIELDS);
          }
        } catch (error) {
          if (flags.json && error instanceof LoginLinkError) ctx.io.stdout.write(JSON.stringify({ ok: false, reason: error.reason }) + '\n');
          throw error;
        }
      });
  }
}

function registerList(links: Command, ctx: Context): void {
  addOutputOptions(
    links
      .command('list')
      .description('list login links (never their tokens)')
    .addHelpText('after', examples('customers login-link list alice@example.com', 'customers login-link list --status active --json'))
      .argument('[ref]', 'only the links of this customer')
      .addOption(new Option('--status <status>', 'only links in this state').choices([...LINK_STATUSES])),
    ['table', 'json', 'jsonl', 'csv', 'tsv', 'ids', 'count'],
  ).action(async (ref: string | undefined, flags: OutputFlags & { status?: LoginLinkStatus }) => {
    const api = await ctx.api({ create: false });
    const rows: LinkListRow[] = api.loginLinks.list({ customer: ref === undefined ? undefined : resolveRefArg(api.store.db, ref), status: flags.status });
    await renderItems(ctx, rows, { format: chooseFormat(ctx, flags), columns: chooseColumns(LINK_COLUMNS, flags.fields), limited: true, raw: flags.raw });
  });
}

function registerRevokeAndPurge(links: Command, ctx: Context): void {
  links
    .command('revoke')
    .description("revoke a login link by id, or every active link of a customer (by e-mail, or --customer REF)")
    .addHelpText('after', examples('customers login-link revoke 7', 'customers login-link revoke alice@example.com'))
    .argument('[id-or-email]', "a link id (see login-link list), or a customer's e-mail: all of that customer's active links")
    .option('--customer <ref>', "revoke all of this customer's active links (REF: its id or e-mail)")
    .action(async (idOrEmail: string | undefined, flags: { customer?: string }) => {
      exclusive({ 'a link id or e-mail': idOrEmail !== undefined, '--customer REF': flags.customer !== undefined }, { required: true });
      const given = idOrEmail === undefined ? { customer: flags.customer! } : parseRevokeArg(idOrEmail);
      const api = await ctx.api({ create: false });
      const revoked = api.loginLinks.revoke('linkId' in given ? given.linkId : { customer: resolveRefArg(api.store.db, given.customer) });
      ctx.say(`Revoked ${plural(revoked, 'login link')}.`);
    });

  links
    .command('purge')
    .description('delete used, expired and revoked links (confirms on a terminal; --yes elsewhere)')
    .addHelpText('after', examples('customers login-link purge --yes', 'customers login-link purge --older-than 30d --yes'))
    .addOption(new Option('--older-than <duration>', 'only those that ended longer ago than this: 30s, 15m, 2h, 30d, 2w').argParser(parser((raw) => parseDuration(raw, { zero: true }))).default(0, 'any age'))
    .option('--dry-run', 'list the links that would be deleted; delete nothing')
    .option('-y, --yes', 'do not ask for confirmation')
    .action(async (flags: { olderThan: number; dryRun?: boolean; yes?: boolean }) => {
      const { listLoginLinks, purgeLoginLinks } = await core();
      const store = await ctx.store({ create: false });
      const ids = purgeLoginLinks(store, flags.olderThan, ctx.io.now(), { dryRun: true });
      if (flags.dryRun) {
        await renderItems(ctx, listLoginLinks(store.db, { ids, now: ctx.io.now() }), { format: chooseFormat(ctx, {}), columns: LINK_COLUMNS, limited: true });
        ctx.say(`Would purge ${plural(ids.length, 'login link')} (dry run: nothing was deleted).`);
        return;
      }
      if (ids.length === 0) return ctx.say('No used, expired or revoked login links to purge.');
      await confirmOrCancel(ctx, `Delete ${plural(ids.length, 'used, expired or revoked login link')}?`, flags.yes);
      ctx.say(`Purged ${plural(purgeLoginLinks(store, flags.olderThan, ctx.io.now()).length, 'login link')}.`);
    });
}

/**
 * The argument of revoke: a whole number is a link id (as documented: a customer id goes after --customer,
 * since a number alone cannot say which it is); an e-mail is a customer.
 */
function parseRevokeArg(raw: string): { linkId: number } | { customer: string } {
  const text = raw.trim();
  if (/^\d+$/.test(text)) return { linkId: Number(text) };
  if (text.includes('@')) return { customer: text };
  throw new UsageError(`"${raw}" is neither a login link id (a whole number) nor a customer's e-mail`, [
    'Pass a link id (see customers login-link list), an e-mail, or --customer ID for a customer by its id.',
  ]);
}
