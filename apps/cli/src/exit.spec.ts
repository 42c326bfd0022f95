import { ApiRefusal, ApiUnreachable } from './api-client';
import { UsageError } from './args';
import { failureOutcome } from './exit';

describe('failureOutcome', () => {
  it.each<[string, unknown, number, string[]]>([
    [
      'an unreachable API',
      new ApiUnreachable('cannot reach the Shotmatrix API at http://127.0.0.1:4280 (is `npm start` running?)'),
      4,
      ['error: cannot reach the Shotmatrix API at http://127.0.0.1:4280 (is `npm start` running?)'],
    ],
    [
      'a refusal with several problems',
      new ApiRefusal(400, { statusCode: 400, code: 'VALIDATION_FAILED', message: 'markets[3].copy.price: expected a number, got "abc"', problems: ['markets[3].copy.price: expected a number, got "abc"', 'labels: is required'] }),
      1,
      ['error: markets[3].copy.price: expected a number, got "abc"', '  labels: is required'],
    ],
    ['a stale edit', new ApiRefusal(409, { statusCode: 409, code: 'VERSION_CONFLICT', message: 'the campaign changed since version 3' }), 1, ['error: the campaign changed since version 3']],
    ['a usage error', new UsageError('unknown option --x'), 2, ['error: unknown option --x', '', 'Run `shotmatrix --help` for usage.']],
    ['a missing file', Object.assign(new Error('x'), { code: 'ENOENT', path: 'summer.yaml' }), 2, ['error: summer.yaml: no such file']],
  ])('maps %s', (_what, error, code, lines) => {
    expect(failureOutcome(error)).toEqual({ code, lines });
  });

  it('lets a bug crash instead of passing it off as bad input', () => {
    expect(failureOutcome(new TypeError('x is undefined'))).toBeNull();
  });
});
