/**
 * The words of login links that commands name in their help and checks, apart from login-links.ts so that
 * naming them loads no crypto: the states a link is in, and how long a new one works by default.
 */
export const LINK_STATUSES = ['active', 'used', 'expired', 'revoked'] as const;
export type LoginLinkStatus = (typeof LINK_STATUSES)[number];

/** A new link works for 14 days unless told otherwise. */
export const DEFAULT_LINK_TTL_SECONDS = 14 * 86400;
