import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

/** What a production bundle of one entry weighs, and which packages went into it. */
export interface BundleSize {
  /** Minified size of what loads up front (the entry chunk). */
  bytes: number;
  /** Gzip size of the entry chunk: what a page downloads before it can paint. */
  gzip: number;
  /** Gzip size of chunks loaded later through `import()` (e.g. the sync engine). */
  lazyGzip: number;
  /** Package names found among the bundled modules (`lit`, `dexie`, …). */
  packages: string[];
}

const VIRTUAL = '\0ehr-size-entry';

/**
 * Bundles `source` (module text that imports from the repository by absolute path) the way a
 * host's production build would: minified ESM, everything inlined, nothing written to disk.
 */
export async function measureBundle(source: string): Promise<BundleSize> {
  const result = await build({
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    // Tests run with NODE_ENV=test, which would make Vite pick the `development` builds of Lit and
    // Dexie (warnings and checks a host never ships). Resolve exactly as a production build does.
    resolve: { conditions: ['module', 'browser', 'production'] },
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    plugins: [
      {
        name: 'ehr-size-entry',
        resolveId: (id) => (id === VIRTUAL ? VIRTUAL : undefined),
        load: (id) => (id === VIRTUAL ? source : undefined),
      },
    ],
    build: {
      write: false,
      minify: true,
      sourcemap: false,
      target: 'es2022',
      modulePreload: false,
      // Keep the entry's exports: a host uses them (Vite's app mode would drop them).
      rollupOptions: { input: VIRTUAL, preserveEntrySignatures: 'strict', output: { format: 'es' } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  const entry = chunks.filter((c) => c.isEntry);
  const lazy = chunks.filter((c) => !c.isEntry);
  const code = entry.map((c) => c.code).join('\n');
  const lazyCode = lazy.map((c) => c.code).join('\n');
  const packages = new Set<string>();
  for (const chunk of entry)
    for (const id of Object.keys(chunk.modules)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
      if (m) packages.add(m[1]!);
    }
  return {
    bytes: Buffer.byteLength(code),
    gzip: gzipSync(code, { level: 9 }).length,
    lazyGzip: lazyCode ? gzipSync(lazyCode, { level: 9 }).length : 0,
    packages: [...packages].sort(),
  };
}
