// Configuration for `cem analyze` (npm run analyze): the manifest documents the elements only.
// `packagejson: false`: package.json's `customElements` field is fixed, and a run with another
// --outdir (the freshness test) must not rewrite it.
export default {
  globs: ['src/elements/**/*.ts'],
  exclude: ['src/elements/**/*.styles.ts'],
  litelement: true,
  packagejson: false,
};
