/** Why a SMART launch or session failed; each has its own message for the person at the screen. */
export type SmartErrorCode =
  /** The server does not offer PKCE with S256: the kit does not authorize without it. */
  | 'pkce-unsupported'
  /** The `state` coming back does not belong to a launch started here (or it was already used). */
  | 'state-mismatch'
  /** Nothing to restore: this tab never signed in with this instance (or signed out). Offer a sign-in. */
  | 'not-signed-in'
  /** The user (or the server) refused the authorization. */
  | 'access-denied'
  /** The session can no longer get tokens (refresh token expired or revoked): sign in again. */
  | 'sign-in-again'
  /** The server's SMART configuration is missing or unreadable, or the launch lacks a parameter. */
  | 'configuration'
  /** Any other failure of the authorization exchange. */
  | 'launch-failed';

/** A failed SMART launch or session, with a code a host can switch on and a readable message. */
export class SmartError extends Error {
  override readonly name = 'SmartError';
  readonly code: SmartErrorCode;

  constructor(code: SmartErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
