import { describeApiError, describeApiProblem, isVersionConflict } from './api-error';

describe('describeApiError', () => {
  it("shows the API's own message", () => {
    const err = {
      status: 400,
      statusText: 'Bad Request',
      url: '/api/campaigns/1/matrix',
      error: { statusCode: 400, code: 'invalid_matrix', message: 'markets.0.code must be 1-40 lower-case letters' },
    };
    expect(describeApiError(err)).toBe('markets.0.code must be 1-40 lower-case letters');
  });

  it('reads a JSON body that arrived as text', () => {
    expect(describeApiError({ status: 413, error: '{"statusCode":413,"code":"too_large","message":"File too large"}' })).toBe(
      'File too large',
    );
  });

  it('says when the API cannot be reached', () => {
    expect(describeApiError({ status: 0, url: 'http://host/api/campaigns', error: new Error('x') })).toMatch(
      /^Cannot reach the Shotmatrix API \(\/api\/campaigns\)/,
    );
  });

  it('names the status and path when the answer is not the API error shape', () => {
    expect(describeApiError({ status: 404, statusText: 'Not Found', url: 'http://host/api/campaigns', error: '<html>' })).toBe(
      'The Shotmatrix API answered 404 Not Found for /api/campaigns. Check that the API is running and try again.',
    );
  });

  it('falls back to an Error message', () => {
    expect(describeApiError(new Error('boom'))).toBe('boom');
    expect(describeApiError(undefined)).toBe('Something went wrong. Try again.');
  });
});

describe('describeApiProblem', () => {
  const failure = (status: number, error: unknown) => ({ status, url: '/api/campaigns/import', error });

  it('lists every validation problem under one headline', () => {
    const p = describeApiProblem(
      failure(400, { statusCode: 400, code: 'INVALID_CAMPAIGN_FILE', message: 'a', problems: ['a', 'b', 'c'] }),
    );
    expect(p).toEqual({ message: 'The Shotmatrix API found 3 problems:', problems: ['a', 'b', 'c'], code: 'INVALID_CAMPAIGN_FILE', status: 400 });
  });

  it('keeps its own message when the problems say something else', () => {
    const p = describeApiProblem(failure(400, { statusCode: 400, code: 'X', message: 'Invalid copy deck', problems: ['row 3: price'] }));
    expect(p.message).toBe('Invalid copy deck');
    expect(p.problems).toEqual(['row 3: price']);
  });

  it('does not repeat a single problem that is the message', () => {
    expect(describeApiProblem(failure(400, { statusCode: 400, code: 'X', message: 'a', problems: ['a'] })).problems).toEqual([]);
  });

  it('recognises a version conflict, also from a body that arrived as text', () => {
    const conflict = describeApiProblem(failure(409, '{"statusCode":409,"code":"VERSION_CONFLICT","message":"Someone else saved first"}'));
    expect(conflict.message).toBe('Someone else saved first');
    expect(isVersionConflict(conflict)).toBe(true);
    expect(isVersionConflict(describeApiProblem(failure(409, { statusCode: 409, code: 'IDEMPOTENCY_KEY_REUSED', message: 'x' })))).toBe(false);
    expect(isVersionConflict(describeApiProblem(failure(428, { statusCode: 428, code: 'PRECONDITION_REQUIRED', message: 'x' })))).toBe(false);
  });

  it('has no problems or code when the API could not be reached', () => {
    expect(describeApiProblem({ status: 0, url: '/api/x', error: new Error('x') })).toMatchObject({ problems: [], code: null, status: 0 });
  });
});
