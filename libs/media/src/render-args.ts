export interface RenderPlan {
  masterPath: string;
  master: { width: number; height: number; fpsFraction: string; frameCount: number; hasAudio: boolean };
  /** Background plate image; when set, the plate fills the frame and the master is inset (v0 has no matte yet: subject extraction comes with analysis). */
  plate?: { path: string; insetScale: number };
  /** PNG with alpha, placed at a pixel position in the output frame. */
  label: { path: string; x: number; y: number };
  output: { path: string; width: number; height: number; crf: number; preset: string };
  thumbnail: { path: string; width: number; frame: number };
}

/** yuv420p halves chroma in both directions, so every size and offset is kept even. */
export function even(n: number): number {
  return Math.max(2, 2 * Math.floor(n / 2));
}

const evenOffset = (n: number) => 2 * Math.floor(Math.max(0, n) / 2);

function input(filePath: string): string[] {
  // Per input: ffmpeg applies the whitelist only to the -i that follows it.
  return ['-protocol_whitelist', 'file', '-i', filePath];
}

/** Size of the master inset into a plate: fit inside the frame, then scaled down. */
export function insetSize(
  master: { width: number; height: number },
  frame: { width: number; height: number },
  insetScale: number,
): { width: number; height: number; x: number; y: number } {
  const fit = Math.min(frame.width / master.width, frame.height / master.height) * insetScale;
  const width = Math.min(even(master.width * fit), frame.width);
  const height = Math.min(even(master.height * fit), frame.height);
  return { width, height, x: evenOffset((frame.width - width) / 2), y: evenOffset((frame.height - height) / 2) };
}

/**
 * One ffmpeg run per variant: decode the master once, composite, encode the
 * mp4 and grab the thumbnail from the same frames.
 *
 * The master is always the main input of the first overlay, so it alone sets
 * the output's frames and timestamps: one output frame per master frame.
 * Stills (plate, label) are single-frame inputs that overlay repeats after
 * their only frame (eof_action=repeat), so each is decoded and scaled once
 * rather than per frame as `-loop 1` would.
 */
export function buildRenderArgs(plan: RenderPlan): string[] {
  const { master, output, thumbnail, label, plate } = plan;
  assertPlan(plan);
  const W = even(output.width);
  const H = even(output.height);
  const args = [...input(plan.masterPath)];
  const graph: string[] = [];
  let next = 1;

  if (plate) {
    const p = next++;
    args.push(...input(plate.path));
    const inset = insetSize(master, { width: W, height: H }, plate.insetScale);
    graph.push(
      `[0:v]scale=${inset.width}:${inset.height},setsar=1,split=2[fg][fgc]`,
      // The padded master is only a canvas that carries the master's timing; the plate covers it.
      `[fgc]pad=${W}:${H}:${inset.x}:${inset.y}[canvas]`,
      `[${p}:v]scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},setsar=1[plate]`,
      `[canvas][plate]overlay=0:0[bg]`,
      `[bg][fg]overlay=${inset.x}:${inset.y}[base]`,
    );
  } else {
    graph.push(`[0:v]scale=${W}:${H}:force_original_aspect_ratio=increase,crop=${W}:${H},setsar=1[base]`);
  }

  const l = next++;
  args.push(...input(label.path));
  const frame = Math.min(Math.max(0, Math.round(thumbnail.frame)), master.frameCount - 1);
  graph.push(
    `[base][${l}:v]overlay=${Math.round(label.x)}:${Math.round(label.y)},split=2[vout][tsrc]`,
    `[tsrc]select=eq(n\\,${frame}),scale=${even(thumbnail.width)}:-2[thumb]`,
  );

  args.push('-filter_complex', graph.join(';'));
  args.push(
    '-map', '[vout]',
    ...(master.hasAudio ? ['-map', '0:a?'] : []),
    '-c:v', 'libx264', '-preset', output.preset, '-crf', String(output.crf),
    '-pix_fmt', 'yuv420p', '-fps_mode', 'passthrough',
    ...(master.hasAudio ? ['-c:a', 'aac', '-b:a', '192k'] : ['-an']),
    '-movflags', '+faststart',
    output.path,
  );
  args.push('-map', '[thumb]', '-frames:v', '1', '-update', '1', '-q:v', '3', thumbnail.path);
  return args;
}

const X264_PRESETS = ['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow', 'slower', 'veryslow', 'placebo'];

function assertPlan(plan: RenderPlan): void {
  const problems: string[] = [];
  const { master, output, thumbnail, plate } = plan;
  if (!(master.width > 0 && master.height > 0)) problems.push('master size must be positive');
  if (!(master.frameCount >= 1)) problems.push('master must have at least one frame');
  if (!(output.width >= 2 && output.height >= 2)) problems.push('output size must be at least 2x2');
  if (!(thumbnail.width >= 2)) problems.push('thumbnail width must be at least 2');
  if (!(Number.isInteger(output.crf) && output.crf >= 0 && output.crf <= 51)) problems.push('crf must be an integer 0-51');
  if (!X264_PRESETS.includes(output.preset)) problems.push(`preset must be one of ${X264_PRESETS.join(', ')}`);
  if (plate && !(plate.insetScale > 0 && plate.insetScale <= 1)) problems.push('plate insetScale must be in (0, 1]');
  if (problems.length) throw new Error(`invalid render plan: ${problems.join('; ')}`);
}
