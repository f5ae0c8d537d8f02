/**
 * A story `beforeEach`: the browser reports it is offline (`navigator.onLine` false, an `offline`
 * event) for this story only; the returned cleanup restores it and fires `online`.
 */
export function simulateOffline(): () => void {
  Object.defineProperty(navigator, 'onLine', { configurable: true, get: () => false });
  window.dispatchEvent(new Event('offline'));
  return () => {
    delete (navigator as { onLine?: boolean }).onLine;
    window.dispatchEvent(new Event('online'));
  };
}
