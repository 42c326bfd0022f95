import { DomainError } from '@shotmatrix/domain';
import { assertValidKey, contentTypeForKey } from './object-store';

describe('assertValidKey', () => {
  it.each(['masters/ab12.mp4', 'a', '0/b/c.json', 'renders/v1/Out_Put-2.webm', 'x/.hidden', 'a'.repeat(512)])(
    'accepts %s',
    (key) => expect(() => assertValidKey(key)).not.toThrow(),
  );

  it.each([
    ['', 'is empty'],
    ['/etc/passwd', 'must start with'],
    ['Masters/a.mp4', 'must start with'],
    ['.tmp/x', 'must start with'],
    ['-a', 'must start with'],
    ['a/../../etc', 'path segment'],
    ['a/./b', 'path segment'],
    ['a//b', 'path segment'],
    ['a/', 'path segment'],
    ['a/b c', 'must start with'],
    ['a\\b', 'must start with'],
    ['a/ü.mp4', 'must start with'],
    ['a?x=1', 'must start with'],
    ['a'.repeat(513), 'longer than 512'],
  ])('rejects %j (%s)', (key, reason) => {
    let err: unknown;
    try {
      assertValidKey(key);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DomainError);
    expect(err).toMatchObject({ code: 'INVALID_OBJECT_KEY', kind: 'invalid' });
    expect((err as Error).message).toContain(reason);
  });
});

describe('contentTypeForKey', () => {
  it.each([
    ['a/b.mp4', 'video/mp4'],
    ['a/b.MOV', 'video/quicktime'],
    ['a/b.webm', 'video/webm'],
    ['a/b.jpg', 'image/jpeg'],
    ['a/b.png', 'image/png'],
    ['a/b.json', 'application/json'],
    ['a/b.bin', undefined],
    ['a/noext', undefined],
  ])('%s → %s', (key, type) => expect(contentTypeForKey(key)).toBe(type));
});
