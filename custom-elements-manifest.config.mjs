// Configuration for `cem analyze` (npm run analyze): the manifest documents the elements only.
// `packagejson: false`: package.json's `customElements` field is fixed, and a run with another
// --outdir (the freshness test) must not rewrite it.

/**
 * The analyzer lists modules in the order its file glob returns them, which depends on the file
 * system and, under load, on which file finished parsing first. Modules, and the declarations
 * and exports inside each (whose order carries no meaning), are sorted so the manifest is the
 * same on every machine. Members inside a class keep source order: that is the order the docs
 * present them in.
 */
const byKey = (key) => (a, b) => {
  const x = key(a);
  const y = key(b);
  return x < y ? -1 : x > y ? 1 : 0;
};

const sortManifest = {
  name: 'ehr-sort-manifest',
  packageLinkPhase({ customElementsManifest }) {
    const modules = customElementsManifest.modules ?? [];
    modules.sort(byKey((m) => m.path ?? ''));
    for (const m of modules) {
      m.declarations?.sort(byKey((d) => `${d.kind ?? ''}:${d.name ?? ''}`));
      m.exports?.sort(byKey((e) => `${e.kind ?? ''}:${e.name ?? ''}:${e.declaration?.module ?? ''}`));
    }
  },
};

export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  litelement: true,
  packagejson: false,
  plugins: [sortManifest],
};
