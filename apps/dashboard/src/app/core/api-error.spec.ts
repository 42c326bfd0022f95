import { describeApiError } from './api-error';

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
