import nx from '@nx/eslint-plugin';
import shotmatrix from './tools/lint-rules/index.cjs';

/**
 * One lint config for the monorepo. Module boundaries are enforced by tags:
 * `type:*` says what a project may depend on, `scope:*` keeps server-only
 * code out of the browser bundle.
 */
export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    ignores: ['**/node_modules', '**/dist', '**/.data', '**/.nx', '**/.angular', '**/tmp', 'artifacts/**'],
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          banTransitiveDependencies: true,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'] },
            { sourceTag: 'type:config', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain'] },
            { sourceTag: 'type:adapter', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:config'] },
            // Vision (ONNX sessions, motion and plane tracking) works on frames the media adapter decodes.
            { sourceTag: 'type:vision', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:config', 'type:adapter'] },
            // The compositor turns a variant's plan into one ffmpeg graph; its integration specs read frames through vision.
            // QC measures renders against the master with the same frame tools; the compositor's own specs use it.
            { sourceTag: 'type:qc', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:config', 'type:adapter', 'type:vision'] },
            { sourceTag: 'type:compositor', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:config', 'type:adapter', 'type:vision', 'type:qc'] },
            {
              sourceTag: 'type:service',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:config', 'type:data', 'type:adapter', 'type:vision', 'type:compositor', 'type:qc', 'type:testing'],
            },
            {
              sourceTag: 'type:testing',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:config', 'type:data', 'type:adapter'],
            },
            {
              sourceTag: 'type:app',
              onlyDependOnLibsWithTags: [
                'type:contracts',
                'type:domain',
                'type:config',
                'type:data',
                'type:adapter',
                'type:vision',
                'type:compositor',
                'type:qc',
                'type:service',
                'type:testing',
              ],
            },
            { sourceTag: 'type:e2e', onlyDependOnLibsWithTags: ['type:contracts', 'type:testing', 'type:config'] },
            {
              sourceTag: 'type:tool',
              onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:config', 'type:adapter', 'type:vision', 'type:compositor', 'type:qc'],
            },
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            { sourceTag: 'scope:dashboard', onlyDependOnLibsWithTags: ['scope:shared', 'scope:dashboard'] },
            { sourceTag: 'scope:server', onlyDependOnLibsWithTags: ['scope:shared', 'scope:server'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: "MemberExpression[object.name='process'][property.name='env']",
          message: 'Read configuration through @shotmatrix/config (loadConfig), not process.env.',
        },
      ],
    },
  },
  {
    // Config parsing, tests and tooling are where the environment is read.
    // The CLI's configuration is its arguments and SHOTMATRIX_API, read once in main.ts.
    files: ['libs/config/**', '**/*.spec.ts', 'e2e/**', 'tools/**', 'libs/testing/**', 'apps/cli/src/main.ts'],
    rules: { 'no-restricted-syntax': 'off' },
  },
  {
    files: ['**/*.spec.ts', 'e2e/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Every endpoint says who may call it: @Access(permission), @Public() or @SignedMedia().
    files: ['apps/api/src/**/*.controller.ts'],
    plugins: { shotmatrix },
    rules: { 'shotmatrix/guarded-routes': 'error' },
  },
];
