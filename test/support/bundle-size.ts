import { gzipSync } from 'node:zlib';
import { build, type Rollup } from 'vite';

/** What a production bundle of one entry weighs, and which packages went into it. */
export interface BundleSize {
  bytes: number;
  gzip: number;
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
      rollupOptions: { input: VIRTUAL, preserveEntrySignatures: 'strict', output: { format: 'es', inlineDynamicImports: true } },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunks = outputs.flatMap((o) => o.output).filter((o): o is Rollup.OutputChunk => o.type === 'chunk');
  const code = chunks.map((c) => c.code).join('\n');
  const packages = new Set<string>();
  for (const chunk of chunks)
    for (const id of Object.keys(chunk.modules)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(id);
      if (m) packages.add(m[1]!);
    }
  return { bytes: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length, packages: [...packages].sort() };
}
