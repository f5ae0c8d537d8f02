// @ts-check
// Vite configuration shared by the framework examples: the package's entries (package.json
// `exports`) resolve to the kit's sources, as they would resolve to dist/ from node_modules.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../..', import.meta.url));

/** `ehr-elements` and `ehr-elements/<entry>` → the TypeScript source of that entry. */
export function packageAliases() {
  const pkg = JSON.parse(readFileSync(`${repo}package.json`, 'utf8'));
  /** @type {Array<{ find: RegExp, replacement: string }>} */
  const out = [];
  for (const [entry, target] of Object.entries(pkg.exports)) {
    const js = typeof target === 'object' && target ? target.import : undefined;
    if (typeof js !== 'string' || entry.includes('*')) continue;
    const source = `${repo}${js.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts')}`;
    const name = entry === '.' ? 'ehr-elements' : `ehr-elements/${entry.slice(2)}`;
    out.push({ find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`), replacement: source });
  }
  return out;
}

/**
 * The Vite config of one example (`react`, `vue` or `angular`).
 * @param {'react' | 'vue' | 'angular'} name
 * @param {string} outDir
 */
export function exampleConfig(name, outDir) {
  return {
    configFile: /** @type {false} */ (false),
    root: fileURLToPath(new URL(`./${name}/`, import.meta.url)),
    base: './',
    logLevel: /** @type {const} */ ('error'),
    resolve: {
      alias: [
        ...packageAliases(),
        // Vue's in-browser template compiler (the example has no .vue files to compile ahead of time).
        ...(name === 'vue' ? [{ find: /^vue$/, replacement: 'vue/dist/vue.esm-bundler.js' }] : []),
      ],
    },
    define: name === 'vue' ? { __VUE_OPTIONS_API__: 'false', __VUE_PROD_DEVTOOLS__: 'false', __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false' } : {},
    oxc: name === 'react' ? { jsx: { runtime: /** @type {const} */ ('automatic'), importSource: 'react' } } : {},
    build: { outDir, emptyOutDir: true, target: 'es2022' },
  };
}
