/** The login-link e-mail, in the customer's language (en, fr, it, nl; English otherwise): text and HTML. */

interface Wording {
  subject: (store: string) => string;
  greeting: string;
  body: (store: string) => string;
  once: string;
  expires: (when: string) => string;
  ignore: string;
  button: string;
  locale: string;
}

const WORDING: Record<string, Wording> = {
  en: {
    subject: (s) => `Your login link for ${s}`,
    greeting: 'Hello,',
    body: (s) => `Use this link to sign in to your account at ${s}:`,
    once: 'The link works once.',
    expires: (w) => `It expires on ${w}.`,
    ignore: 'If you did not ask for it, you can ignore this e-mail.',
    button: 'Sign in',
    locale: 'en-GB',
  },
  fr: {
    subject: (s) => `Votre lien de connexion à ${s}`,
    greeting: 'Bonjour,',
    body: (s) => `Utilisez ce lien pour vous connecter à votre compte ${s} :`,
    once: 'Le lien ne fonctionne qu’une seule fois.',
    expires: (w) => `Il expire le ${w}.`,
    ignore: 'Si vous ne l’avez pas demandé, vous pouvez ignorer cet e-mail.',
    button: 'Se connecter',
    locale: 'fr-FR',
  },
  it: {
    subject: (s) => `Il tuo link di accesso a ${s}`,
    greeting: 'Ciao,',
    body: (s) => `Usa questo link per accedere al tuo account su ${s}:`,
    once: 'Il link funziona una sola volta.',
    expires: (w) => `Scade il ${w}.`,
    ignore: 'Se non l’hai richiesto, puoi ignorare questa e-mail.',
    button: 'Accedi',
    locale: 'it-IT',
  },
  nl: {
    subject: (s) => `Je inloglink voor ${s}`,
    greeting: 'Hallo,',
    body: (s) => `Gebruik deze link om in te loggen op je account bij ${s}:`,
    once: 'De link werkt één keer.',
    expires: (w) => `Hij verloopt op ${w}.`,
    ignore: 'Heb je hier niet om gevraagd? Dan kun je deze e-mail negeren.',
    button: 'Inloggen',
    locale: 'nl-NL',
  },
};

export interface LoginMail {
  subject: string;
  text: string;
  html: string;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function loginMail(lang: string | null, storeName: string, url: string, expiresAt: string): LoginMail {
  const w = WORDING[(lang ?? 'en').split('-')[0].toLowerCase()] ?? WORDING.en;
  const when = new Intl.DateTimeFormat(w.locale, { dateStyle: 'long', timeStyle: 'short', timeZone: 'UTC' }).format(new Date(expiresAt)) + ' UTC';
  const text = [w.greeting, '', w.body(storeName), '', url, '', `${w.once} ${w.expires(when)}`, '', w.ignore, '', `— ${storeName}`, ''].join('\n');
  const html = `<!doctype html>
<html lang="${escapeHtml(w.locale.slice(0, 2))}"><body style="font-family: sans-serif; line-height: 1.5">
<p>${escapeHtml(w.greeting)}</p>
<p>${escapeHtml(w.body(storeName))}</p>
<p><a href="${escapeHtml(url)}" style="display: inline-block; padding: 10px 18px; background: #1a56db; color: #fff; text-decoration: none; border-radius: 4px">${escapeHtml(w.button)}</a></p>
<p style="font-size: 90%">${escapeHtml(url)}</p>
<p>${escapeHtml(w.once)} ${escapeHtml(w.expires(when))}</p>
<p style="color: #666">${escapeHtml(w.ignore)}</p>
<p>— ${escapeHtml(storeName)}</p>
</body></html>
`;
  return { subject: w.subject(storeName), text, html };
}
