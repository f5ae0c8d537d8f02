/**
 * The demo's SMART authorization server (demo/auth-server) as a resource server: what an app
 * sees before it has a token. The sign-in flows themselves run in Chromium (smart.e2e.test.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFhirServer, type FhirServer } from '../demo/fhir-server/server.mjs';
import { grantFor, startAuthServer, type AuthServer } from '../demo/auth-server/server.mjs';

let fhir: FhirServer;
let auth: AuthServer;
const APP = 'http://127.0.0.1:5999';

beforeAll(async () => {
  const patient = { resourceType: 'Patient', id: 'p1', name: [{ family: 'Test', given: ['Ann'] }] };
  fhir = await startFhirServer({ port: 0, bases: [{ id: 'clinic', label: 'Riverside Clinic', resources: [patient] }] });
  auth = await startAuthServer({ fhir, bases: [{ id: 'clinic', label: 'Riverside Clinic' }], redirectUris: [`${APP}/smart.html`] });
});
afterAll(async () => {
  await auth?.close();
  await fhir?.close();
});

describe('SMART authorization server', () => {
  it('answers 401 with a Bearer challenge to a FHIR request without a token, or with a token it never issued', async () => {
    for (const headers of [{}, { authorization: 'Bearer made-up-token' }, { authorization: 'Basic abc' }] as Array<Record<string, string>>) {
      const r = await fetch(`${auth.fhirBase('clinic')}/Patient/p1`, { headers });
      expect(r.status).toBe(401);
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(await r.json()).toMatchObject({ resourceType: 'OperationOutcome' });
    }
  });

  it('serves the CapabilityStatement and the SMART configuration without a token; the configuration requires PKCE S256', async () => {
    expect((await fetch(`${auth.fhirBase('clinic')}/metadata`)).status).toBe(200);
    const config = await (await fetch(`${auth.fhirBase('clinic')}/.well-known/smart-configuration`)).json();
    expect(config).toMatchObject({
      issuer: auth.issuer,
      authorization_endpoint: `${auth.issuer}/auth`,
      token_endpoint: `${auth.issuer}/token`,
      code_challenge_methods_supported: ['S256'],
    });
    expect(config.capabilities).toEqual(expect.arrayContaining(['launch-ehr', 'launch-standalone', 'context-banner', 'context-style', 'permission-v2']));
    const noPkce = await (await fetch(`${auth.noPkceBase('clinic')}/.well-known/smart-configuration`)).json();
    expect(noPkce.code_challenge_methods_supported).toBeUndefined();
  });

  it('refuses an authorization request whose aud is not one of its FHIR servers', async () => {
    const url = new URL(`${auth.issuer}/auth`);
    url.search = new URLSearchParams({ response_type: 'code', client_id: 'ehr-elements-demo', redirect_uri: `${APP}/smart.html`, scope: 'openid', state: 's', aud: 'http://127.0.0.1:1/other/fhir', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).toString();
    const r = await fetch(url, { redirect: 'manual' });
    expect(r.status).toBe(400);
    expect(await r.text()).toContain('aud');
  });

  it('reads SMART 1 and SMART 2 scopes alike when it checks a request', () => {
    expect(grantFor('patient/Observation.rs', 'Observation')).toEqual({ read: true, write: false });
    expect(grantFor('patient/*.read', 'Observation')).toEqual({ read: true, write: false });
    expect(grantFor('user/Consent.crus', 'Consent')).toEqual({ read: true, write: true });
    expect(grantFor('patient/Observation.rs', 'Consent')).toEqual({ read: false, write: false });
  });
});
