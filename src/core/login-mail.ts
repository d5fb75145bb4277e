/**
 * E-mailing issued login links: one message per link in the customer's language, over one connection;
 * each link records whether it was sent, so that --unsent can resume with those who did not get one.
 */
import { loginMail } from '../mail/messages.js';
import { describeSmtpError, type Mailer } from '../mail/transport.js';
import type { Store } from '../store/open.js';
import { type IssuedLink, recordSend } from './login-links.js';
import { getSetting } from './settings.js';

export interface SendOutcome {
  link: IssuedLink;
  /** The server's answer when the message was not sent; null when it was. */
  error: string | null;
}

export interface SendOptions {
  mailer: Mailer;
  from: string;
  now: () => Date;
  /** Told of each link once it has been tried. */
  onEach?: (outcome: SendOutcome, done: number) => void;
}

/** Sends every link; returns each link's outcome (by link id). Never throws for a refused message. */
export async function mailLoginLinks(store: Store, links: readonly IssuedLink[], options: SendOptions): Promise<Map<number, string | null>> {
  const storeName = getSetting(store.db, 'store.name') ?? 'our shop';
  const outcomes = new Map<number, string | null>();
  let done = 0;
  for (const link of links) {
    const message = loginMail(link.lang, storeName, link.url, link.expires_at);
    let error: string | null = null;
    try {
      if (link.email === null) throw new Error('the customer has no e-mail address');
      const at = options.now();
      await options.mailer.send({ from: options.from, to: link.email, ...message }, { id: link.id, at });
      recordSend(store, link.id, { sentAt: at });
    } catch (failure) {
      error = describeSmtpError(failure);
      recordSend(store, link.id, { error });
    }
    outcomes.set(link.id, error);
    options.onEach?.({ link, error }, ++done);
  }
  return outcomes;
}
