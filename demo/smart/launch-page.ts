/**
 * `launch.html`: the SMART launch page. An EHR opens it with `?iss=…&launch=…` (EHR launch); the
 * demo's "Sign in" links open it with `?standalone=provider|patient&iss=…` (standalone launch).
 * `instance=` names the client when a page holds several.
 */
import { smartLaunch, SmartError } from '../../src/smart/index.js';
import { allowedIss, clientId, redirectUri } from './config.js';

const status = document.getElementById('launch-status')!;
const params = new URLSearchParams(location.search);
const standalone = params.get('standalone');

try {
  await smartLaunch({
    clientId,
    redirectUri,
    instance: params.get('instance') ?? 'default',
    ...(params.get('launch') ? {} : { iss: params.get('iss') ?? undefined }),
    ...(standalone === 'patient' || standalone === 'provider' ? { standalone } : {}),
    ...(allowedIss.length ? { allowedIss } : {}),
  });
  status.textContent = 'Opening the sign-in page…';
} catch (error) {
  status.dataset.state = 'error';
  status.dataset.code = error instanceof SmartError ? error.code : 'launch-failed';
  document.querySelector('#launch h1')!.textContent = 'Could not connect';
  // textContent: the message may quote what a server or URL said.
  status.textContent = error instanceof Error ? error.message : String(error);
}
