/**
 * A SMART App Launch authorization server in front of the local FHIR server, for the demo and the
 * tests. The OAuth 2 / OpenID Connect part is `oidc-provider` (a certified implementation), not
 * ours; this file only configures it the way SMART asks and adds what SMART needs around it:
 *
 * - `/<base>/fhir/...`: the FHIR server behind a bearer-token check (401 without a valid token,
 *   403 for a resource type the token's scopes do not cover; `$everything` bundles lose the
 *   entries of types not granted), with its own `.well-known/smart-configuration`;
 * - `/nopkce/<base>/fhir/.well-known/smart-configuration`: the same server advertising no S256,
 *   for the test that the kit refuses it;
 * - the launch context (`patient`, `encounter`, `need_patient_banner`, `smart_style_url`,
 *   `tenant`) added to token responses (oidc-provider has no option for that: a middleware);
 * - `/ehr`: a simulated EHR page that launches an app in an iframe (EHR launch);
 * - `/interaction/<uid>`: sign-in and consent in one page (user, patient for `launch/patient`,
 *   the requested data scopes, Allow / Deny);
 * - `/ehr/style.json`: a `smart_style_url` document.
 *
 * Bound to 127.0.0.1. In-memory: every restart forgets grants, tokens and its signing key.
 */
import http from 'node:http';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

/** The users one can sign in as, with the FHIR resource each one is (`fhirUser`). */
export const ACCOUNTS = [
  { id: 'dr-ana-lopez', name: 'Dr Ana Lopez', fhirUser: 'Practitioner/riverside-ana-lopez' },
  { id: 'nurse-sam-okafor', name: 'Nurse Sam Okafor', fhirUser: 'Practitioner/riverside-sam-okafor' },
];

/** The demo's public client (no secret: a browser app). */
export const DEMO_CLIENT_ID = 'ehr-elements-demo';

const TYPES = [
  'AllergyIntolerance', 'Consent', 'DiagnosticReport', 'Encounter', 'Medication', 'MedicationRequest',
  'MedicationStatement', 'Observation', 'Organization', 'Patient', 'Practitioner', 'Provenance',
];

/** Every scope this server knows: oidc-provider drops scopes it does not list. */
function knownScopes() {
  const out = new Set(['openid', 'fhirUser', 'profile', 'offline_access', 'online_access', 'launch', 'launch/patient']);
  for (const context of ['patient', 'user']) {
    for (const type of [...TYPES, '*']) {
      for (const p of ['rs', 'crus', 'cruds', 'r', 's', 'read', 'write', '*']) out.add(`${context}/${type}.${p}`);
    }
  }
  return [...out];
}

/** What a scope string lets a token do with `type`: `{ read, write }`. */
export function grantFor(scope, type) {
  let read = false;
  let write = false;
  for (const s of String(scope ?? '').split(' ')) {
    const m = /^(patient|user|system)\/(\*|[A-Za-z]+)\.([a-z*]+)(?:\?.*)?$/.exec(s);
    if (!m || (m[2] !== '*' && m[2] !== type)) continue;
    const p = m[3];
    if (p === 'read' || p === '*' || (/r/.test(p) && /s/.test(p))) read = true;
    if (p === 'write' || p === '*' || (/c/.test(p) && /u/.test(p))) write = true;
  }
  return { read, write };
}

const escapeHtml = (s) =>
  String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

async function readBody(req) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > 5_000_000) throw new Error('request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/**
 * Starts the authorization server.
 * @param {{
 *   port?: number,
 *   fhir: { baseUrl(id: string): string },
 *   bases: Array<{ id: string, label: string }>,
 *   redirectUris: string[],
 *   appLaunchUrl?: string,
 *   allowedOrigins?: string[],
 *   defaultPatient?: Record<string, string>,
 * }} options
 *   `redirectUris`: where the demo client may be sent back (exact URLs). `appLaunchUrl`: the
 *   app's launch page, opened by `/ehr`. `allowedOrigins`: pages that may call the FHIR proxy and
 *   the token endpoint (the origins of `redirectUris` always may).
 */
export async function startAuthServer(options) {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(options.port ?? 0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const issuer = `http://127.0.0.1:${port}`;
  const origins = new Set([...(options.allowedOrigins ?? []), ...options.redirectUris.map((u) => new URL(u).origin)]);
  const bases = new Map(options.bases.map((b) => [b.id, b]));
  const fhirBase = (id) => `${issuer}/${id}/fhir`;

  /** Launch ids the simulated EHR handed out → the context they stand for. */
  const launches = new Map();
  /** Grant id → launch context (what the token response carries). */
  const contexts = new Map();
  /** Access tokens the tests declared expired, and every refresh token handed out. */
  const expired = new Set();
  const issuedAccess = new Set();
  const issuedRefresh = new Set();

  // A signing key per start (id tokens): nothing to keep, nothing that outlives the process.
  const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'dev-1', use: 'sig', alg: 'RS256' };
  const provider = new Provider(issuer, {
    jwks: { keys: [signingKey] },
    clients: [
      {
        client_id: DEMO_CLIENT_ID,
        client_name: 'ehr-elements demo',
        token_endpoint_auth_method: 'none',
        application_type: 'web',
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
      },
    ],
    // SMART's launch parameter and the FHIR server it is for.
    extraParams: ['launch', 'aud'],
    scopes: knownScopes(),
    claims: { openid: ['sub'], fhirUser: ['fhirUser'], profile: ['name'] },
    // fhirclient reads `fhirUser` from the id token: put the scope's claims there.
    conformIdTokenClaims: false,
    async findAccount(_ctx, sub) {
      const account = ACCOUNTS.find((a) => a.id === sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, fhirUser: account.fhirUser, name: account.name }) };
    },
    // Public clients get refresh tokens when they ask for offline_access (or online_access).
    async issueRefreshToken(_ctx, client, code) {
      return client.grantTypeAllowed('refresh_token') && (code.scopes.has('offline_access') || code.scopes.has('online_access'));
    },
    clientBasedCORS: (_ctx, origin) => origins.has(origin),
    // Every authorization goes through the sign-in page: its launch context (patient, tenant)
    // belongs to that request, never to an earlier grant of the same client.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId;
      return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    ttl: { AccessToken: 3600, AuthorizationCode: 120, RefreshToken: 24 * 3600, Grant: 24 * 3600, Session: 3600, Interaction: 600 },
    cookies: { keys: [randomBytes(32).toString('hex')] },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><meta charset="utf-8"><title>Sign-in error</title><h1>Sign-in error</h1><p>${escapeHtml(out.error)}: ${escapeHtml(out.error_description ?? '')}</p>`;
    },
  });
  provider.proxy = false;

  // `aud` must name a FHIR server this authorization server protects.
  provider.use(async (ctx, next) => {
    if (ctx.path === '/auth' && ctx.method === 'GET') {
      const aud = String(ctx.query.aud ?? '').replace(/\/+$/, '');
      if (![...bases.keys()].some((id) => fhirBase(id) === aud || `${issuer}/nopkce/${id}/fhir` === aud)) {
        ctx.status = 400;
        ctx.type = 'html';
        ctx.body = `<!doctype html><meta charset="utf-8"><title>Sign-in error</title><h1>Sign-in error</h1><p>invalid_request: aud does not name a FHIR server protected here.</p>`;
        return;
      }
    }
    // SMART apps do not send `prompt`, and oidc-provider keeps `offline_access` only with
    // prompt=consent (OpenID Connect's rule). This server asks for consent on every request
    // anyway (see loadExistingGrant), so it says so.
    if (ctx.path === '/auth' && ctx.method === 'GET' && /(^|\s)offline_access(\s|$)/.test(String(ctx.query.scope ?? '')) && !ctx.query.prompt) {
      ctx.query = { ...ctx.query, prompt: 'consent' };
    }
    await next();
    // The SMART launch context rides on the token response.
    if (ctx.oidc?.route === 'token' && ctx.body && typeof ctx.body === 'object' && typeof ctx.body.access_token === 'string') {
      issuedAccess.add(ctx.body.access_token);
      if (typeof ctx.body.refresh_token === 'string') issuedRefresh.add(ctx.body.refresh_token);
      const token = await provider.AccessToken.find(ctx.body.access_token);
      const context = token?.grantId ? contexts.get(token.grantId) : undefined;
      if (context) Object.assign(ctx.body, context);
    }
  });

  const providerCallback = provider.callback();

  /** Scopes the consent page offers: the requested data scopes. */
  const dataScopes = (scope) => String(scope ?? '').split(' ').filter((s) => /^(patient|user)\//.test(s));

  async function patientsOf(baseId) {
    try {
      const r = await fetch(`${options.fhir.baseUrl(baseId)}/Patient?_count=100&_sort=family&_elements=name,birthDate`, { headers: { accept: 'application/fhir+json' } });
      const bundle = await r.json();
      return (bundle.entry ?? []).map((e) => ({
        id: e.resource.id,
        name: [e.resource.name?.[0]?.family, (e.resource.name?.[0]?.given ?? []).join(' ')].filter(Boolean).join(', ') || e.resource.id,
        birthDate: e.resource.birthDate ?? '',
      }));
    } catch {
      return [];
    }
  }

  function baseOfAud(aud) {
    const m = /\/(?:nopkce\/)?([^/]+)\/fhir\/?$/.exec(String(aud ?? ''));
    return m && bases.has(m[1]) ? m[1] : undefined;
  }

  async function interaction(req, res, uid) {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) throw new Error('interaction mismatch');
    const params = details.params;
    const baseId = baseOfAud(params.aud);
    const launch = typeof params.launch === 'string' ? launches.get(params.launch) : undefined;
    const wantsPatient = String(params.scope ?? '').split(' ').includes('launch/patient');
    if (req.method === 'GET') {
      if (typeof params.launch === 'string' && !launch) {
        return provider.interactionFinished(req, res, { error: 'invalid_request', error_description: 'Unknown or expired launch.' }, { mergeWithLastSubmission: false });
      }
      const patients = wantsPatient && baseId ? await patientsOf(baseId) : [];
      const label = baseId ? bases.get(baseId)?.label : 'this server';
      const html = `<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,"><title>Sign in – ${escapeHtml(label)}</title>
<style>body{font:16px system-ui,sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}fieldset{margin:1rem 0}label{display:block;padding:.25rem 0}button{font:inherit;padding:.5rem 1rem;margin-right:.5rem}</style>
<main><h1>Sign in to ${escapeHtml(label)}</h1>
<p><strong>${escapeHtml(params.client_id)}</strong> asks to see your records${launch ? ' for the patient open in the EHR' : ''}.</p>
<form method="post" action="/interaction/${escapeHtml(uid)}">
<fieldset><legend>User</legend><select name="account" aria-label="User">${ACCOUNTS.map((a) => `<option value="${escapeHtml(a.id)}">${escapeHtml(a.name)}</option>`).join('')}</select></fieldset>
${wantsPatient ? `<fieldset><legend>Patient</legend><select name="patient" aria-label="Patient">${patients.map((p) => `<option value="${escapeHtml(p.id)}">${escapeHtml(p.name)} (${escapeHtml(p.birthDate)})</option>`).join('')}</select></fieldset>` : ''}
<fieldset><legend>Share with this app</legend>${dataScopes(params.scope).map((s) => `<label><input type="checkbox" name="scope" value="${escapeHtml(s)}" checked> ${escapeHtml(s)}</label>`).join('')}</fieldset>
<button type="submit" name="decision" value="allow">Allow</button><button type="submit" name="decision" value="deny">Deny</button>
</form></main></html>`;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(html);
      return;
    }
    const form = new URLSearchParams((await readBody(req)).toString('utf8'));
    if (form.get('decision') !== 'allow') {
      return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user denied access.' }, { mergeWithLastSubmission: false });
    }
    const account = ACCOUNTS.find((a) => a.id === form.get('account'));
    if (!account) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('unknown user');
      return;
    }
    const requested = String(params.scope ?? '').split(' ');
    const chosen = new Set(form.getAll('scope'));
    const granted = requested.filter((s) => !/^(patient|user)\//.test(s) || chosen.has(s));
    const grant = new provider.Grant({ accountId: account.id, clientId: String(params.client_id) });
    grant.addOIDCScope(granted.join(' '));
    // Unticked scopes are refused, not forgotten: otherwise the server would ask again.
    const refused = requested.filter((s) => !granted.includes(s));
    if (refused.length) grant.rejectOIDCScope(refused.join(' '));
    grant.addOIDCClaims(['fhirUser', 'name']);
    const grantId = await grant.save();
    /** @type {Record<string, unknown>} */
    const context = {};
    if (launch) Object.assign(context, launch.context);
    else if (wantsPatient) {
      const patient = form.get('patient');
      if (patient && /^[A-Za-z0-9\-.]{1,64}$/.test(patient)) context.patient = patient;
      context.need_patient_banner = true;
    }
    if (baseId) context.tenant = baseId;
    contexts.set(grantId, context);
    return provider.interactionFinished(req, res, { login: { accountId: account.id }, consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  function cors(req, res) {
    const origin = req.headers.origin;
    if (origin && origins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('vary', 'origin');
      res.setHeader('access-control-expose-headers', 'etag, location, last-modified, content-location, www-authenticate, retry-after, date');
    }
    return Boolean(origin && origins.has(origin));
  }

  function smartConfiguration(pkce) {
    return {
      issuer,
      authorization_endpoint: `${issuer}/auth`,
      token_endpoint: `${issuer}/token`,
      jwks_uri: `${issuer}/jwks`,
      revocation_endpoint: `${issuer}/token/revocation`,
      grant_types_supported: ['authorization_code', 'refresh_token'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['none'],
      scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'offline_access', 'online_access', 'patient/*.rs', 'user/*.rs', 'patient/*.read', 'user/*.read'],
      ...(pkce ? { code_challenge_methods_supported: ['S256'] } : {}),
      capabilities: [
        'launch-ehr', 'launch-standalone', 'client-public', 'context-ehr-patient', 'context-ehr-encounter', 'context-standalone-patient',
        'context-banner', 'context-style', 'permission-offline', 'permission-patient', 'permission-user', 'permission-v1', 'permission-v2', 'sso-openid-connect',
      ],
    };
  }

  function json(res, status, body, extra = {}) {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra });
    res.end(JSON.stringify(body));
  }

  function outcome(res, status, code, text, extra = {}) {
    res.writeHead(status, { 'content-type': 'application/fhir+json', ...extra });
    res.end(JSON.stringify({ resourceType: 'OperationOutcome', issue: [{ severity: 'error', code, diagnostics: text }] }));
  }

  /** Drops the entries of a Bundle whose type the token may not read. */
  function filterBundle(bundle, scope) {
    if (!bundle || bundle.resourceType !== 'Bundle' || !Array.isArray(bundle.entry)) return bundle;
    bundle.entry = bundle.entry.filter((e) => !e.resource?.resourceType || e.resource.resourceType === 'OperationOutcome' || grantFor(scope, e.resource.resourceType).read);
    return bundle;
  }

  async function fhirProxy(req, res, baseId, rest, url) {
    const allowed = cors(req, res);
    if (req.method === 'OPTIONS') {
      if (!allowed) return outcome(res, 403, 'forbidden', 'Origin not allowed');
      res.writeHead(204, {
        'access-control-allow-methods': 'GET, POST, PUT, DELETE',
        'access-control-allow-headers': 'authorization, content-type, accept, cache-control, if-match, if-none-match, if-modified-since, if-none-exist, prefer',
        'access-control-max-age': '600',
      });
      res.end();
      return;
    }
    if (rest === '.well-known/smart-configuration') return json(res, 200, smartConfiguration(true));
    const target = options.fhir.baseUrl(baseId);
    const auth = String(req.headers.authorization ?? '');
    let scope = '';
    if (rest !== 'metadata') {
      const m = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(auth);
      const token = m && !expired.has(m[1]) ? await provider.AccessToken.find(m[1]) : undefined;
      if (!token) return outcome(res, 401, 'login', 'A valid access token is required.', { 'www-authenticate': 'Bearer error="invalid_token"' });
      scope = String(token.scope ?? '');
      const type = /^([A-Z][A-Za-z]+)(?:[/?]|$)/.exec(rest)?.[1];
      const write = req.method !== 'GET';
      if (type && !(write ? grantFor(scope, type).write : grantFor(scope, type).read) && !(type === 'Patient' && rest.includes('$everything') && grantFor(scope, 'Patient').read)) {
        return outcome(res, 403, 'forbidden', `The token's scopes do not allow ${write ? 'writing' : 'reading'} ${type}.`);
      }
    }
    const headers = {};
    for (const h of ['accept', 'content-type', 'if-match', 'if-none-match', 'if-modified-since', 'if-none-exist', 'prefer', 'cache-control']) if (req.headers[h]) headers[h] = String(req.headers[h]);
    const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await readBody(req);
    let upstream;
    try {
      upstream = await fetch(`${target}/${rest}${url.search}`, { method: req.method, headers, body, redirect: 'manual' });
    } catch {
      return outcome(res, 502, 'transient', 'The FHIR server behind this proxy did not answer.');
    }
    let text = await upstream.text();
    // The FHIR server names itself in links and fullUrls: name the proxy instead.
    text = text.split(target).join(fhirBase(baseId));
    if (scope && /json/.test(upstream.headers.get('content-type') ?? '') && text.startsWith('{')) {
      try {
        text = JSON.stringify(filterBundle(JSON.parse(text), scope));
      } catch {
        // not JSON after all: pass it on as it came
      }
    }
    const out = {};
    for (const h of ['content-type', 'etag', 'last-modified', 'date', 'retry-after', 'content-location']) {
      const v = upstream.headers.get(h);
      if (v) out[h] = v;
    }
    const location = upstream.headers.get('location');
    if (location) out.location = location.split(target).join(fhirBase(baseId));
    res.writeHead(upstream.status, out);
    res.end(text);
  }

  function ehrPage(res, url) {
    const baseId = url.searchParams.get('base') ?? [...bases.keys()][0];
    const patient = url.searchParams.get('patient') ?? options.defaultPatient?.[baseId] ?? '';
    const app = url.searchParams.get('app') ?? options.appLaunchUrl ?? '';
    const banner = url.searchParams.get('banner') === 'true';
    if (!bases.has(baseId) || !/^[A-Za-z0-9\-.]{0,64}$/.test(patient) || !/^https?:\/\//.test(app)) {
      res.writeHead(400, { 'content-type': 'text/plain' });
      res.end('ehr: needs base, patient and an http(s) app URL');
      return;
    }
    const launchId = randomBytes(16).toString('hex');
    launches.set(launchId, {
      context: {
        ...(patient ? { patient } : {}),
        need_patient_banner: banner,
        smart_style_url: `${issuer}/ehr/style.json`,
      },
    });
    const src = `${app}${app.includes('?') ? '&' : '?'}iss=${encodeURIComponent(fhirBase(baseId))}&launch=${launchId}`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><meta charset="utf-8"><link rel="icon" href="data:,"><title>Simulated EHR</title>
<style>body{margin:0;font:15px system-ui,sans-serif;background:#edeae3}header{background:#27465c;color:#fff;padding:.5rem 1rem}header strong{margin-right:1rem}iframe{border:0;width:100%;height:calc(100vh - 2.6rem);background:#fff}</style>
<header><strong>Simulated EHR</strong> ${escapeHtml(bases.get(baseId)?.label ?? baseId)} · patient ${escapeHtml(patient || '(none)')}</header>
<iframe title="SMART app" src="${escapeHtml(src)}"></iframe></html>`);
  }

  server.on('request', async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', issuer);
      const fhirMatch = /^\/(nopkce\/)?([A-Za-z0-9_-]+)\/fhir(?:\/(.*))?$/.exec(url.pathname);
      if (fhirMatch && bases.has(fhirMatch[2])) {
        const rest = fhirMatch[3] ?? '';
        if (fhirMatch[1]) {
          cors(req, res);
          if (rest === '.well-known/smart-configuration') return json(res, 200, smartConfiguration(false));
          return outcome(res, 404, 'not-found', 'This base only serves a SMART configuration without PKCE, for tests.');
        }
        return await fhirProxy(req, res, fhirMatch[2], rest, url);
      }
      const interactionMatch = /^\/interaction\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
      if (interactionMatch) return await interaction(req, res, interactionMatch[1]);
      if (url.pathname === '/ehr') return ehrPage(res, url);
      if (url.pathname === '/ehr/style.json') {
        cors(req, res);
        return json(res, 200, {
          color_background: '#edeae3',
          color_error: '#9e2d2d',
          color_highlight: '#1d5c7a',
          color_modal_backdrop: 'rgba(20, 30, 40, 0.55)',
          color_success: '#2f6b2f',
          color_text: '#202020',
          dim_border_radius: '6px',
          dim_font_size: '15px',
          dim_spacing_size: '12px',
          font_family_body: 'Georgia, "Times New Roman", serif',
          font_family_heading: '"Helvetica Neue", Helvetica, Arial, sans-serif',
        });
      }
      return providerCallback(req, res);
    } catch (error) {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`auth server error: ${error instanceof Error ? error.message : String(error)}`);
      } else res.end();
    }
  });

  return {
    issuer,
    /** The protected FHIR base of `id` (what an app uses as `iss`). */
    fhirBase,
    /** The same base advertising no PKCE (tests). */
    noPkceBase: (id) => `${issuer}/nopkce/${id}/fhir`,
    /** The simulated EHR page that launches `app` for `patient` of base `base`. */
    ehrUrl: (/** @type {{ base?: string, patient?: string, app?: string, banner?: boolean }} */ o = {}) => {
      const u = new URL('/ehr', issuer);
      if (o.base) u.searchParams.set('base', o.base);
      if (o.patient) u.searchParams.set('patient', o.patient);
      if (o.app) u.searchParams.set('app', o.app);
      if (o.banner) u.searchParams.set('banner', 'true');
      return u.href;
    },
    /** Every access token handed out so far stops working (as if expired). */
    expireAccessTokens() {
      for (const t of issuedAccess) expired.add(t);
    },
    /** Every refresh token handed out so far is revoked: the next refresh fails. */
    async revokeRefreshTokens() {
      for (const t of issuedRefresh) {
        const rt = await provider.RefreshToken.find(t);
        await rt?.destroy();
      }
    },
    async close() {
      server.closeAllConnections?.();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
