import { ApiRefusal, ApiUnreachable } from './api-client';
import { EXIT, UsageError } from './args';

/**
 * What the user sees and the exit code scripts see, for anything a command
 * threw. Returns null for a bug (it should crash loudly, not look like bad input).
 */
export function failureOutcome(e: unknown): { code: number; lines: string[] } | null {
  if (e instanceof ApiUnreachable) return { code: EXIT.unreachable, lines: [`error: ${e.message}`] };
  if (e instanceof ApiRefusal) {
    if (e.status === 401) {
      return {
        code: EXIT.invalid,
        lines: [`error: ${e.message}`, '  set SHOTMATRIX_TOKEN to a personal API token: `shotmatrix login --email you@example.com` prints one'],
      };
    }
    const problems = (e.body.problems ?? []).filter((p) => p !== e.body.message);
    return { code: EXIT.invalid, lines: [`error: ${e.message || `the API answered ${e.status}`}`, ...problems.map((p) => `  ${p}`)] };
  }
  if (e instanceof UsageError) return { code: EXIT.usage, lines: [`error: ${e.message}`, '', 'Run `shotmatrix --help` for usage.'] };
  const err = e as NodeJS.ErrnoException | null;
  if (err && (err.code === 'ENOENT' || err.code === 'EISDIR' || err.code === 'EACCES')) {
    const why = { ENOENT: 'no such file', EISDIR: 'is a folder, not a file', EACCES: 'permission denied' }[err.code];
    return { code: EXIT.usage, lines: [`error: ${err.path ?? 'file'}: ${why}`] };
  }
  return null;
}
