// @ts-check
/**
 * The first-paint page as a host would ship it: `buildPaintPage` bundles bench/pages/paint.html
 * with Vite's build API (production mode, minified, Lit's production exports), and `serveDir`
 * serves the result from 127.0.0.1 on a free port. Used by bench/paint.mjs.
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/**
 * Builds the paint page into a fresh temporary directory.
 *
 * `mode: 'production'` makes Vite resolve the `production` export condition (never
 * `development`), so Lit and `@lit/reactive-element` come in as their production builds, without
 * dev-mode warnings and checks; the bundle is minified as `vite build` would ship it.
 *
 * @param {{ minify?: boolean, sourcemap?: boolean }} [options] for a CPU profile: `minify: false`
 *   keeps function names readable, `sourcemap: true` lets samples be traced to source files
 * @returns {Promise<{ dir: string, ms: number, remove: () => Promise<void> }>}
 */
export async function buildPaintPage({ minify = true, sourcemap = false } = {}) {
  const t0 = performance.now();
  const { build } = await import('vite');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ehr-paint-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await build({
      configFile: false,
      root,
      mode: 'production',
      logLevel: 'silent',
      // Absolute asset URLs under the served root, the page at /bench/pages/paint.html as in dev.
      base: '/',
      build: {
        outDir: dir,
        emptyOutDir: true,
        minify,
        sourcemap,
        reportCompressedSize: false,
        // A host's bundle, not a library: keep the 2.3 MB sample file out of the JS (it is fetched).
        assetsInlineLimit: 0,
        rolldownOptions: { input: path.join(root, 'bench/pages/paint.html') },
      },
    });
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir, ms: performance.now() - t0, remove };
}

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
};

/**
 * A static file server for `dir` on 127.0.0.1, port chosen by the system. GET and HEAD only;
 * paths are resolved inside `dir` (anything outside it, or missing, is 404).
 *
 * @param {string} dir
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveDir(dir) {
  const base = path.resolve(dir);
  const server = createServer(async (req, res) => {
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.writeHead(405, { allow: 'GET, HEAD' }).end();
        return;
      }
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
      const file = path.resolve(base, `.${pathname.endsWith('/') ? `${pathname}index.html` : pathname}`);
      const info = file.startsWith(`${base}${path.sep}`) ? await stat(file).catch(() => undefined) : undefined;
      if (!info?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      res.writeHead(200, {
        'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    } catch {
      if (!res.headersSent) res.writeHead(400).end();
      else res.destroy();
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
