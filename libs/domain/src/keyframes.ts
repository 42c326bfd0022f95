import { createHash } from 'node:crypto';
import type { Keyframe, Quad } from '@shotmatrix/contracts';
import { DomainError } from './errors';
import { canonicalJson } from './render-key';

export interface PlaneSeeds {
  plane: string;
  seeds: Array<{ frame: number; quad: Quad }>;
  /** Content hash of the seeds: the same quads are tracked once. */
  seedsHash: string;
}

/** Label planes named by the keyframes, each with its seed quads in frame order. */
export function planeSeeds(keyframes: Keyframe[]): PlaneSeeds[] {
  const byPlane = new Map<string, Array<{ frame: number; quad: Quad }>>();
  for (const k of keyframes) {
    if (k.kind !== 'label-quad') continue;
    const list = byPlane.get(k.plane) ?? [];
    list.push({ frame: k.frame, quad: k.quad as Quad });
    byPlane.set(k.plane, list);
  }
  return [...byPlane.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([plane, seeds]) => {
      seeds.sort((a, b) => a.frame - b.frame);
      const seedsHash = createHash('sha256').update(canonicalJson(seeds)).digest('hex').slice(0, 32);
      return { plane, seeds, seedsHash };
    });
}

function cross(o: [number, number], a: [number, number], b: [number, number]): number {
  return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
}

/**
 * Checks keyframes against the master they pin: frames in range, one entry
 * per (kind, frame[, plane]), quads convex with a real area and inside (or
 * near) the picture. Throws a DomainError naming every problem.
 */
export function checkKeyframes(keyframes: Keyframe[], master: { frameCount: number; width: number; height: number }): Keyframe[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  keyframes.forEach((k, i) => {
    const where = `keyframes[${i}] (${k.kind} at frame ${k.frame})`;
    if (k.frame >= master.frameCount) problems.push(`${where}: the master has frames 0–${master.frameCount - 1}`);
    const id = k.kind === 'label-quad' ? `${k.kind}/${k.plane}/${k.frame}` : k.kind === 'mark' ? `${k.kind}/${k.name}` : `${k.kind}/${k.frame}`;
    if (seen.has(id)) problems.push(k.kind === 'mark' ? `${where}: mark "${k.name}" is set twice` : `${where}: set twice`);
    seen.add(id);
    if (k.kind === 'label-quad') {
      const q = k.quad as Quad;
      const margin = Math.max(master.width, master.height) * 0.5;
      if (q.some(([x, y]) => x < -margin || y < -margin || x > master.width + margin || y > master.height + margin)) {
        problems.push(`${where}: plane "${k.plane}" has a corner far outside the ${master.width}×${master.height} picture`);
      }
      const turns = q.map((_, j) => cross(q[j], q[(j + 1) % 4], q[(j + 2) % 4]));
      const area = Math.abs(turns.reduce((s, _, j) => s + (q[j][0] * q[(j + 1) % 4][1] - q[(j + 1) % 4][0] * q[j][1]), 0)) / 2;
      if (!(turns.every((t) => t > 0) || turns.every((t) => t < 0))) {
        problems.push(`${where}: plane "${k.plane}" quad is not convex (corners go top-left, top-right, bottom-right, bottom-left)`);
      } else if (area < 64) {
        problems.push(`${where}: plane "${k.plane}" quad covers ${area.toFixed(0)} px²; draw it at least 8×8 pixels`);
      }
    }
  });
  if (problems.length) throw new DomainError('invalid-keyframes', problems[0], 'invalid', problems);
  return [...keyframes].sort((a, b) => a.frame - b.frame || a.kind.localeCompare(b.kind));
}
