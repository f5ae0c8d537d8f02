// Type declarations for server.mjs, so TypeScript tests can import it. Kept by hand; the JSDoc in
// server.mjs is the source of truth.

export interface Account {
  id: string;
  name: string;
  fhirUser: string;
}

/** The users one can sign in as. */
export const ACCOUNTS: readonly Account[];

/** The demo's public client id. */
export const DEMO_CLIENT_ID: string;

/** What a scope string lets a token do with a resource type. */
export function grantFor(scope: string, type: string): { read: boolean; write: boolean };

export interface AuthServerOptions {
  /** 0 (default) = ephemeral; always 127.0.0.1. */
  port?: number;
  /** The FHIR server to protect (`startFhirServer`'s result). */
  fhir: { baseUrl(id: string): string };
  bases: Array<{ id: string; label: string }>;
  /** Exact redirect URIs of the demo client. */
  redirectUris: string[];
  /** The app's launch page, which `/ehr` opens in an iframe. */
  appLaunchUrl?: string;
  /** Page origins that may call the FHIR proxy and the token endpoint besides the redirect URIs' origins. */
  allowedOrigins?: string[];
  /** Patient id the simulated EHR opens per base when the URL names none. */
  defaultPatient?: Record<string, string>;
}

export interface AuthServer {
  issuer: string;
  /** The protected FHIR base of a base id (an app's `iss`). */
  fhirBase(id: string): string;
  /** The same base advertising no PKCE (tests). */
  noPkceBase(id: string): string;
  /** The simulated EHR page that launches the app in an iframe. */
  ehrUrl(options?: { base?: string; patient?: string; app?: string; banner?: boolean }): string;
  /** Every access token handed out so far stops working. */
  expireAccessTokens(): void;
  /** Every refresh token handed out so far is revoked. */
  revokeRefreshTokens(): Promise<void>;
  close(): Promise<void>;
}

export function startAuthServer(options: AuthServerOptions): Promise<AuthServer>;
