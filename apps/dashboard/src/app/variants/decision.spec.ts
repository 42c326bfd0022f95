import type { Who } from '../auth/permissions';
import { COMMENT_NEEDED, decisionDraft, decisionFailure, decisionOffer, describeApproval } from './decision';

const BM_PERMS = ['self', 'campaign:read', 'variant:decide', 'variant:comment'];
const brandManager = (markets: string[]): Who => ({ role: 'brand-manager', markets, permissions: BM_PERMS });
const admin: Who = { role: 'admin', markets: [], permissions: ['self', 'campaign:read', 'campaign:write', 'variant:decide', 'variant:comment', 'account:manage'] };
const producer: Who = { role: 'producer', markets: [], permissions: ['self', 'campaign:read', 'campaign:write', 'variant:comment', 'ops:read'] };
const viewer: Who = { role: 'viewer', markets: [], permissions: ['self', 'campaign:read'] };
const done = (market: string) => ({ market, status: 'done' as const });

describe('decisionOffer', () => {
  it('offers the buttons to the brand manager of the market', () => {
    expect(decisionOffer(brandManager(['de', 'at']), done('de'))).toEqual({ buttons: true, note: null });
  });

  it("hides them from a brand manager of other markets, saying whose they are", () => {
    expect(decisionOffer(brandManager(['fr']), done('de'))).toEqual({
      buttons: false,
      note: 'You decide for fr; market de is decided by its own brand manager.',
    });
    expect(decisionOffer(brandManager([]), done('de')).buttons).toBe(false);
    expect(decisionOffer(brandManager([]), done('de')).note).toMatch(/^You have no markets assigned/);
  });

  it('offers them to roles that hold the permission on every market', () => {
    expect(decisionOffer(admin, done('jp')).buttons).toBe(true);
  });

  it('hides them from roles without the permission', () => {
    expect(decisionOffer(viewer, done('de'))).toEqual({ buttons: false, note: 'Viewers cannot approve or reject variants.' });
    expect(decisionOffer(producer, done('de'))).toEqual({ buttons: false, note: 'Producers cannot approve or reject variants.' });
  });

  it('hides them from nobody signed in', () => {
    expect(decisionOffer(null, done('de')).buttons).toBe(false);
  });

  it.each(['queued', 'rendering', 'failed'] as const)('waits for the render while it is %s', (status) => {
    expect(decisionOffer(brandManager(['de']), { market: 'de', status })).toEqual({ buttons: false, note: 'Approve or reject once the render is done.' });
  });
});

describe('decisionDraft', () => {
  const shown = { id: '5b0c8e0e-0000-4000-8000-000000000001' };

  it('bases an approval on the decision shown', () => {
    expect(decisionDraft('approved', '  ', shown, 12)).toEqual({ ok: true, body: { decision: 'approved', comment: null, basedOn: shown.id } });
  });

  it('sends null when no decision was shown', () => {
    expect(decisionDraft('approved', 'looks right', null, 0)).toEqual({ ok: true, body: { decision: 'approved', comment: 'looks right', basedOn: null } });
  });

  it('pins a rejection to the frame on screen', () => {
    expect(decisionDraft('rejected', ' logo is cut off \n', shown, 48.7)).toEqual({
      ok: true,
      body: { decision: 'rejected', comment: 'logo is cut off', basedOn: shown.id, frame: 48 },
    });
  });

  it.each(['', '   ', '\n\t'])('refuses a rejection with the comment %p', (comment) => {
    expect(decisionDraft('rejected', comment, shown, 3)).toEqual({ ok: false, problem: COMMENT_NEEDED });
  });
});

describe('decisionFailure', () => {
  it('shows who decided meanwhile and reloads on a conflict', () => {
    const message = 'market=de;label=a;background=b changed while you were looking: ana@x.com approved it; reload and decide again';
    expect(decisionFailure({ status: 409, code: 'DECISION_CONFLICT', message })).toEqual({ message, reload: true });
  });

  it('reloads when the render is not there any more', () => {
    expect(decisionFailure({ status: 409, code: 'VARIANT_NOT_RENDERED', message: 'x has no finished render' }).reload).toBe(true);
  });

  it('shows a refusal of the market as it is, with nothing to reload', () => {
    const message = 'you may decide on fr cells only; market=de;… is market de';
    expect(decisionFailure({ status: 403, code: 'MARKET_FORBIDDEN', message })).toEqual({ message, reload: false });
  });

  it('keeps the API sentence for a missing comment', () => {
    expect(decisionFailure({ status: 400, code: 'COMMENT_REQUIRED', message: '' })).toEqual({ message: COMMENT_NEEDED, reload: false });
  });
});

describe('describeApproval', () => {
  it.each([
    [{ decision: 'approved' as const, by: 'ana@x.com', at: '2026-01-02T10:00:59.000Z' }, 'Approved by ana@x.com · 2026-01-02 10:00'],
    [{ decision: 'rejected' as const, by: null, at: '2026-01-02T10:00:59.000Z' }, 'Rejected · 2026-01-02 10:00'],
  ])('%p → %p', (a, text) => {
    expect(describeApproval(a)).toBe(text);
  });
});
