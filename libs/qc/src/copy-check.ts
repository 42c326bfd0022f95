import type { QcCheck } from '@shotmatrix/contracts';
import { judgeOcr, OCR_CER_THRESHOLD, type OcrDictionary, type OcrJudgement } from '@shotmatrix/vision';

/** One copy field as rendered in one overlay, and the lines OCR read inside that overlay. */
export interface CopyReading {
  /** Which overlay, as the producer knows it: "label", "super super-tagline", "legal legal-line". */
  overlay: string;
  field: string;
  expected: string;
  lines: readonly string[];
  /** Set when the copy cannot be read reliably in this file (set too small, or never whole on screen): a miss is then "not checked", not a failure. */
  tooSmall?: string;
}

/**
 * Where in what was read the field's copy fits best. A template sets several
 * fields in one overlay (headline, price, legal), and the detector may join a
 * headline and a price on one line or split a long legal line in two; so the
 * copy is compared with every run of whole words in each line, in each pair of
 * neighbouring lines and in all of them, and the closest counts. Whole words
 * only: a window inside a word would let "12,999" pass for "12,99".
 */
export function bestReading(expected: string, lines: readonly string[], dictionary: OcrDictionary): OcrJudgement {
  const candidates = new Set<string>(lines);
  for (let i = 0; i + 1 < lines.length; i++) candidates.add(`${lines[i]} ${lines[i + 1]}`);
  if (lines.length > 2) candidates.add(lines.join(' '));
  let best = judgeOcr({ expected, read: lines, dictionary });
  if (best.verdict === 'not-checked') return best;
  for (const c of candidates) {
    const words = c.split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      for (let j = i + 1; j <= words.length; j++) {
        const judged = judgeOcr({ expected, read: words.slice(i, j).join(' '), dictionary });
        if ((judged.cer ?? Infinity) < (best.cer ?? Infinity)) best = judged;
        if (best.cer === 0) return best;
      }
    }
  }
  return best;
}

/**
 * The copy-ocr QC check: every field of every overlay whose script the model
 * reads must come back within the CER threshold (2 %). Scripts the model
 * cannot read are listed as not checked, never passed.
 */
export function copyOcrCheck(readings: CopyReading[], dictionary: OcrDictionary): QcCheck {
  if (!readings.length) return { name: 'copy-ocr', status: 'not-checked', detail: 'no rendered copy to read in this variant' };
  const judged = readings.map((r) => {
    const j = bestReading(r.expected, r.lines, dictionary);
    return { r, j: j.verdict === 'fail' && r.tooSmall ? { ...j, verdict: 'not-checked' as const, cer: undefined, reason: r.tooSmall } : j };
  });
  const where = (r: CopyReading) => `${r.overlay} ${r.field}`;
  const failed = judged.filter((x) => x.j.verdict === 'fail');
  const passed = judged.filter((x) => x.j.verdict === 'pass');
  const skipped = judged.filter((x) => x.j.verdict === 'not-checked');
  const worst = Math.max(0, ...judged.flatMap((x) => (x.j.cer === undefined || x.j.verdict === 'not-checked' ? [] : [x.j.cer])));
  const skippedNote = skipped.length ? `; not checked: ${skipped.map((x) => `${where(x.r)} (${x.j.reason})`).join('; ')}` : '';
  if (failed.length) {
    return {
      name: 'copy-ocr',
      status: 'fail',
      detail: `copy read back wrong in ${failed.map((x) => `${where(x.r)}: expected "${x.r.expected}", read "${x.r.lines.join(' / ')}" (${x.j.reason})`).join('; ')}${skippedNote}`,
      value: worst,
      threshold: OCR_CER_THRESHOLD,
    };
  }
  if (!passed.length) return { name: 'copy-ocr', status: 'not-checked', detail: `nothing the OCR model can read${skippedNote}` };
  return {
    name: 'copy-ocr',
    status: 'pass',
    detail: `${passed.length} field${passed.length === 1 ? '' : 's'} read back within ${OCR_CER_THRESHOLD * 100} % CER (${passed.map((x) => `${where(x.r)} ${Math.round((x.j.cer ?? 0) * 1000) / 10} %`).join(', ')})${skippedNote}`,
    value: worst,
    threshold: OCR_CER_THRESHOLD,
  };
}
