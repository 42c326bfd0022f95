'use strict';

/**
 * shotmatrix/guarded-routes: every Nest endpoint must say who may call it.
 *
 * Authorisation is declared with one of three decorators (apps/api/src/auth):
 * `@Access('permission')`, `@Public()` or `@SignedMedia()`, on the route
 * method or on the controller class as a default for all of its routes. An
 * endpoint that forgets all three would otherwise fall back to whatever the
 * global guard does with "no metadata", so the omission is caught here, at
 * lint time, rather than in review.
 *
 * The permission given to `@Access` must be a string literal: the rule (and
 * anyone grepping for who can do what) has to be able to read it without
 * running the code.
 *
 * Decorators are recognised by the name they were imported under, so
 * `import { Get as HttpGet } from '@nestjs/common'` still counts as a route.
 *
 * @typedef {import('eslint').Rule.RuleModule} RuleModule
 * @typedef {import('eslint').Rule.RuleContext} RuleContext
 */

/** Nest's route decorators (from @nestjs/common), mapped to the verb shown in messages. */
const ROUTE_DECORATORS = new Map([
  ['Get', 'GET'],
  ['Post', 'POST'],
  ['Put', 'PUT'],
  ['Patch', 'PATCH'],
  ['Delete', 'DELETE'],
  ['Options', 'OPTIONS'],
  ['Head', 'HEAD'],
  ['All', 'ALL'],
  ['Sse', 'SSE'],
]);

const ACCESS = 'Access';
const GUARD_DECORATORS = new Set([ACCESS, 'Public', 'SignedMedia']);

/**
 * The callee name of a decorator: `@Get()` → `Get`, `@Get` → `Get`,
 * `@common.Get()` → `Get`; anything else (e.g. `@factory()()`) → undefined.
 *
 * @param {any} decorator a TSESTree Decorator node
 * @returns {string | undefined}
 */
function decoratorCalleeName(decorator) {
  let expr = decorator.expression;
  if (expr.type === 'CallExpression') expr = expr.callee;
  if (expr.type === 'Identifier') return expr.name;
  if (expr.type === 'MemberExpression' && !expr.computed && expr.property.type === 'Identifier') {
    return expr.property.name;
  }
  return undefined;
}

/**
 * A string the permission can be read from without evaluating anything:
 * `'campaign:read'` or a template literal with no substitutions.
 *
 * @param {any} arg
 * @returns {boolean}
 */
function isStaticString(arg) {
  if (arg.type === 'Literal') return typeof arg.value === 'string';
  return arg.type === 'TemplateLiteral' && arg.expressions.length === 0;
}

/**
 * @param {any} arg
 * @returns {string}
 */
function staticStringValue(arg) {
  return arg.type === 'Literal' ? String(arg.value) : arg.quasis[0].value.cooked;
}

/** @type {RuleModule} */
module.exports = {
  meta: {
    type: 'problem',
    docs: {
      description:
        'Require every route of a Nest controller to carry @Access(permission), @Public() or @SignedMedia(), on the method or the class',
    },
    schema: [],
    messages: {
      unguarded:
        '{{className}}.{{methodName}} ({{verbs}}) has no @Access(...), @Public() or @SignedMedia(): every endpoint must say who may call it',
      accessWithoutPermission:
        "{{target}} has @Access() without a permission: name one as a string literal, e.g. @Access('campaign:read')",
      accessNotLiteral:
        "{{target}} passes @Access() something other than a string literal: the permission must be readable without running the code, e.g. @Access('campaign:read')",
    },
  },

  /** @param {RuleContext} context */
  create(context) {
    const sourceCode = context.sourceCode;
    /** Local binding → name exported by the module it came from (import aliases). */
    const importedAs = new Map();

    /**
     * @param {any} decorator
     * @returns {string | undefined}
     */
    function canonicalName(decorator) {
      const expr = decorator.expression;
      const callee = expr.type === 'CallExpression' ? expr.callee : expr;
      const name = decoratorCalleeName(decorator);
      if (name !== undefined && callee.type === 'Identifier' && importedAs.has(name)) {
        return importedAs.get(name);
      }
      return name;
    }

    /**
     * @param {any} node a class or method node
     * @returns {any[]}
     */
    function decoratorsOf(node) {
      return Array.isArray(node.decorators) ? node.decorators : [];
    }

    /**
     * Reports an @Access decorator whose permission the rule cannot read.
     *
     * @param {any} decorator
     * @param {string} target e.g. `CampaignsController` or `CampaignsController.create`
     */
    function checkAccessArgument(decorator, target) {
      const expr = decorator.expression;
      const args = expr.type === 'CallExpression' ? expr.arguments : [];
      if (args.length === 0) {
        context.report({ node: decorator, messageId: 'accessWithoutPermission', data: { target } });
        return;
      }
      const [permission] = args;
      if (!isStaticString(permission)) {
        context.report({ node: decorator, messageId: 'accessNotLiteral', data: { target } });
      } else if (staticStringValue(permission).trim() === '') {
        context.report({ node: decorator, messageId: 'accessWithoutPermission', data: { target } });
      }
    }

    /**
     * Checks the guard decorators in a list, reporting unreadable @Access
     * permissions, and says whether any guard is present. A malformed
     * @Access still counts as present so the same mistake is not reported twice.
     *
     * @param {any[]} decorators
     * @param {string} target
     * @returns {boolean}
     */
    function hasGuard(decorators, target) {
      let guarded = false;
      for (const decorator of decorators) {
        const name = canonicalName(decorator);
        if (name === undefined || !GUARD_DECORATORS.has(name)) continue;
        guarded = true;
        if (name === ACCESS) checkAccessArgument(decorator, target);
      }
      return guarded;
    }

    /**
     * @param {any} key
     * @param {boolean} computed
     * @returns {string}
     */
    function memberName(key, computed) {
      if (!computed && key.type === 'Identifier') return key.name;
      if (key.type === 'PrivateIdentifier') return `#${key.name}`;
      if (key.type === 'Literal') return String(key.value);
      return `[${sourceCode.getText(key)}]`;
    }

    /** @param {any} classNode */
    function checkClass(classNode) {
      const classDecorators = decoratorsOf(classNode);
      if (!classDecorators.some((d) => canonicalName(d) === 'Controller')) return;

      const className = classNode.id ? classNode.id.name : '(anonymous controller)';
      const classGuarded = hasGuard(classDecorators, className);

      for (const member of classNode.body.body) {
        if (member.type !== 'MethodDefinition') continue;
        const methodName = memberName(member.key, member.computed);
        const target = `${className}.${methodName}`;
        const decorators = decoratorsOf(member);
        const verbs = [];
        for (const decorator of decorators) {
          const name = canonicalName(decorator);
          const verb = name === undefined ? undefined : ROUTE_DECORATORS.get(name);
          if (verb !== undefined && !verbs.includes(verb)) verbs.push(verb);
        }
        // Validate @Access on every method, route or not: a bad permission is a bug wherever it sits.
        const methodGuarded = hasGuard(decorators, target);
        if (verbs.length === 0 || methodGuarded || classGuarded) continue;
        context.report({
          node: member.key,
          messageId: 'unguarded',
          data: { className, methodName, verbs: verbs.join(', ') },
        });
      }
    }

    return {
      // Imports may legally follow the class that uses them, so read them all up front.
      /** @param {any} program */
      Program(program) {
        for (const statement of program.body) {
          if (statement.type !== 'ImportDeclaration') continue;
          for (const specifier of statement.specifiers) {
            if (specifier.type !== 'ImportSpecifier') continue;
            const { imported } = specifier;
            importedAs.set(specifier.local.name, imported.type === 'Identifier' ? imported.name : String(imported.value));
          }
        }
      },
      ClassDeclaration: checkClass,
      ClassExpression: checkClass,
    };
  },
};
