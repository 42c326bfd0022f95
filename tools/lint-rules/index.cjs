'use strict';

/**
 * The `shotmatrix` ESLint plugin: house rules that no published plugin has.
 * Plain CommonJS so eslint.config.mjs can import it without a build step.
 * Not under tools/eslint-rules: @nx/eslint-plugin reserves that folder for its
 * own TypeScript workspace rules and fails every lint run if it finds one
 * without a tsconfig.json and an index.js/ts.
 *
 * @type {import('eslint').ESLint.Plugin}
 */
module.exports = {
  meta: { name: 'shotmatrix' },
  rules: {
    'guarded-routes': require('./guarded-routes.cjs'),
  },
};
