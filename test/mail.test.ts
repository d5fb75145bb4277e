import { describe, expect, it } from 'vitest';
import { checkSmtpUrl, describeSmtpError, needsTls, redactSmtpUrl } from '../src/mail/transport.js';

describe('SMTP URLs (issue 9, point 6)', () => {
  it.each([
    ['smtp://user:secret@mail.example.com:587', 'smtp://user:***@mail.example.com:587'],
    ['smtps://user:secret@mail.example.com', 'smtps://user:***@mail.example.com'],
    ['smtp://mail.example.com:25', 'smtp://mail.example.com:25'],
    ['smtp://user@mail.example.com', 'smtp://user@mail.example.com'],
    // Malformed ones keep the password out too.
    ['smtp://user:secret@mail.example.com:99999', 'smtp://user:***@mail.example.com:99999'],
    ['smtp://user:p/ss@mail.example.com', 'smtp://user:***@mail.example.com'],
    ['user:secret@mail.example.com:587', 'user:***@mail.example.com:587'],
    ['http://user:secret@mail.example.com', 'http://user:***@mail.example.com'],
  ])('%s shows as %s', (url, shown) => {
    expect(redactSmtpUrl(url)).toBe(shown);
  });

  it.each([
    'smtp://user:secret@mail.example.com:99999',
    'smtp://user:p/ss@mail.example.com',
    'smtp://user:se cret@mail.example.com',
    'smtp:/user:secret@mail.example.com',
    'user:secret@mail.example.com:587',
    'http://user:secret@mail.example.com',
    'smtp://user:secret@',
    'smtp://user:secret@mail.example.com/path',
    'smtp://user:secret@mail.example.com?ignoreTLS=true',
  ])('refuses %s without quoting its password', (url) => {
    expect(() => checkSmtpUrl(url)).toThrow(/not a usable SMTP URL/);
    try {
      checkSmtpUrl(url);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
      expect((error as Error).message).not.toContain('cret');
      expect((error as Error).message).toContain('***');
    }
  });

  it.each([
    ['smtp://user:secret@mail.example.com:587', true],
    ['smtp://user@mail.example.com', true],
    ['smtp://user:secret@127.0.0.1.example.com', true],
    ['smtp://user:secret@128.0.0.1', true],
    ['smtp://user:secret@127.0.0.256', true],
    ['smtp://user:secret@localhost.example.com', true],
    ['smtp://user:secret@[::2]', true],
    ['smtp://user:secret@192.168.1.10:25', true],
    // TLS from the start, no password to protect, or this machine: no STARTTLS needed.
    ['smtps://user:secret@mail.example.com', false],
    ['smtp://mail.example.com:25', false],
    ['smtp://user:secret@127.0.0.1:2525', false],
    ['smtp://user:secret@127.8.9.10', false],
    ['smtp://user:secret@localhost:25', false],
    ['smtp://user:secret@LocalHost', false],
    ['smtp://user:secret@[::1]:25', false],
  ])('%s must use STARTTLS before AUTH: %s', (url, expected) => {
    expect(needsTls(url)).toBe(expected);
  });
});

describe("a server's refusal, as stored in send_error and printed", () => {
  it.each([
    ['550 5.1.1 Mailbox unavailable', '550 5.1.1 Mailbox unavailable'],
    // The code in the reply's text as well: kept once.
    ['550 550 5.1.1 Mailbox unavailable', '550 5.1.1 Mailbox unavailable'],
    // A multi-line reply (nodemailer joins its lines with a newline): one line, the code and enhanced code once.
    [
      "550-5.1.1 The email account that you tried to reach does not exist.\n550-5.1.1 Please check the address\n550 5.1.1 https://support.example.com/nosuchuser",
      '550 5.1.1 The email account that you tried to reach does not exist. Please check the address https://support.example.com/nosuchuser',
    ],
    ['452-Too many recipients\n452 Try again later', '452 Too many recipients Try again later'],
    ['  421 Service not available  \r\n', '421 Service not available'],
  ])('%j reads %j', (response, shown) => {
    const error = Object.assign(new Error(`Can't send mail - all recipients were rejected: ${response}`), { code: 'EENVELOPE', response, responseCode: Number(response.trim().slice(0, 3)) });
    expect(describeSmtpError(error)).toBe(shown);
  });
});
