// @ts-check
// @medplum/core expects a global WebSocket when it is first evaluated; Node 20 has none.
// This module must be imported before anything that imports @medplum/core. The server never
// opens a WebSocket, so an empty class is enough.
/** @type {any} */ (globalThis).WebSocket ??= class {};

export {};
