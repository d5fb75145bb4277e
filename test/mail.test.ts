import { describe, expect, it } from 'vitest';
import { checkSmtpUrl, needsTls, redactSmtpUrl } from '../src/mail/transport.js';

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
