import * as path from 'node:path';
import { RuleTester, type Rule } from 'eslint';
import { parser as tsParser } from 'typescript-eslint';
import { REPO_ROOT } from '@shotmatrix/testing';

// The rule is plain CommonJS outside any project (tools/lint-rules), loaded the way eslint.config.mjs loads it.
const rule: Rule.RuleModule = require(path.join(REPO_ROOT, 'tools/lint-rules/guarded-routes.cjs'));

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ruleTester = new RuleTester({
  languageOptions: { parser: tsParser, ecmaVersion: 2022, sourceType: 'module' },
});

const imports = `
import { Controller, Get, Post, Delete, Sse, Body } from '@nestjs/common';
import { Access, Public, SignedMedia } from '../auth/access.decorator';
`;

ruleTester.run('guarded-routes', rule, {
  valid: [
    {
      name: 'every route carries its own @Access',
      code: `${imports}
        @Controller('campaigns')
        export class CampaignsController {
          @Get() @Access('campaign:read') list() { return []; }
          @Post() @Access('campaign:write') create(@Body() body: unknown) { return body; }
          helper() { return 1; }
        }`,
    },
    {
      name: 'a class-level @Access covers every route',
      code: `${imports}
        @Access('campaign:read')
        @Controller('campaigns')
        export class CampaignsController {
          @Get() list() { return []; }
          @Delete(':id') @Access('campaign:delete') remove() { return; }
        }`,
    },
    {
      name: '@Public on a method',
      code: `${imports}
        @Controller('health')
        export class HealthController {
          @Get() @Public() health() { return { status: 'ok' }; }
        }`,
    },
    {
      name: '@Public on the class',
      code: `${imports}
        @Public()
        @Controller('auth')
        export class AuthController {
          @Post('login') login() { return; }
        }`,
    },
    {
      name: '@SignedMedia on a method',
      code: `${imports}
        @Controller('media')
        export class MediaController {
          @Get(':key') @SignedMedia() stream() { return; }
        }`,
    },
    {
      name: 'a template literal without substitutions is still readable',
      code: `${imports}
        @Controller('ops')
        export class OpsController {
          @Sse('events') @Access(\`ops:read\`) events() { return; }
        }`,
    },
    {
      name: 'aliased imports are recognised by their exported name',
      code: `
        import { Controller as C, Get as HttpGet } from '@nestjs/common';
        import { Access as Can } from '../auth/access.decorator';
        @C('x')
        export class XController {
          @HttpGet() @Can('x:read') read() { return; }
        }`,
    },
    {
      name: 'classes that are not controllers are ignored',
      code: `${imports}
        export class CampaignsService {
          @Get() list() { return []; }
          @Access() nothing() { return; }
        }`,
    },
    {
      name: 'a controller without route methods needs no guard',
      code: `${imports}
        @Controller('empty')
        export class EmptyController {
          helper() { return 1; }
        }`,
    },
  ],
  invalid: [
    {
      name: 'a route with no guard decorator',
      code: `${imports}
        @Controller('campaigns')
        export class CampaignsController {
          @Get() @Access('campaign:read') list() { return []; }
          @Post() create(@Body() body: unknown) { return body; }
        }`,
      errors: [
        {
          message:
            'CampaignsController.create (POST) has no @Access(...), @Public() or @SignedMedia(): every endpoint must say who may call it',
        },
      ],
    },
    {
      name: 'every verb on an unguarded method is named',
      code: `
        import { Controller, Get, Head } from '@nestjs/common';
        @Controller('files')
        export class FilesController {
          @Get(':id') @Head(':id') fetch() { return; }
        }`,
      errors: [{ messageId: 'unguarded', data: { className: 'FilesController', methodName: 'fetch', verbs: 'GET, HEAD' } }],
    },
    {
      name: 'a guard on another method does not cover this one',
      code: `${imports}
        @Controller('campaigns')
        export class CampaignsController {
          @Get() @Public() list() { return []; }
          @Delete(':id') remove() { return; }
        }`,
      errors: [{ messageId: 'unguarded', data: { className: 'CampaignsController', methodName: 'remove', verbs: 'DELETE' } }],
    },
    {
      name: 'empty @Access() on a method',
      code: `${imports}
        @Controller('campaigns')
        export class CampaignsController {
          @Get() @Access() list() { return []; }
        }`,
      errors: [{ messageId: 'accessWithoutPermission', data: { target: 'CampaignsController.list' } }],
    },
    {
      name: "empty-string @Access('') on the class",
      code: `${imports}
        @Access('')
        @Controller('campaigns')
        export class CampaignsController {
          @Get() list() { return []; }
        }`,
      errors: [{ messageId: 'accessWithoutPermission', data: { target: 'CampaignsController' } }],
    },
    {
      name: '@Access(variable)',
      code: `${imports}
        const READ = 'campaign:read';
        @Controller('campaigns')
        export class CampaignsController {
          @Get() @Access(READ) list() { return []; }
        }`,
      errors: [{ messageId: 'accessNotLiteral', data: { target: 'CampaignsController.list' } }],
    },
    {
      name: '@Access with a template literal that has substitutions',
      code: `${imports}
        const area = 'campaign';
        @Access(\`\${area}:read\`)
        @Controller('campaigns')
        export class CampaignsController {
          @Get() list() { return []; }
        }`,
      errors: [{ messageId: 'accessNotLiteral', data: { target: 'CampaignsController' } }],
    },
  ],
});
