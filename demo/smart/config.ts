/// <reference types="vite/client" />

/** The demo's SMART client id at the authorization server (`npm start` starts one). */
export const clientId: string = (import.meta.env.VITE_SMART_CLIENT_ID as string | undefined) ?? 'ehr-elements-demo';

/** FHIR bases a launch may name as `iss` (`VITE_SMART_ISS_LIST`, JSON array); empty = any. */
export const allowedIss: string[] = (() => {
  try {
    const v: unknown = JSON.parse((import.meta.env.VITE_SMART_ISS_LIST as string | undefined) ?? '[]');
    return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
  } catch {
    return [];
  }
})();

/** Where the sign-in comes back to. */
export const redirectUri = new URL('./smart.html', location.href).href;
