import { even } from '@shotmatrix/media';
import { frameExpr, stepExpr } from './frame-expr';
import { lutyuvFilter } from './harmonise';
import type { CompositePlan, Environment, Grade, StillLayer } from './composite-plan';
import { plateMoves } from './composite-plan';
import { outputSize, outputStage } from './outputs';
import { perspectiveCorners, type PerspectiveCorners } from './plate-view';
import { fillLostQuads, LABEL_PAD, planeLabelCorners, planeWindow, trackedFramesExpr, windowAt, type PlaneLabel, type PlaneOcclusion, type PlaneWindow } from './plane-label';

/** Blur radius of the light wrap, in master pixels: about 1 % of the frame's short side. */
export const LIGHT_WRAP_RADIUS = (frame: { width: number; height: number }) => Math.max(2, Math.round(Math.min(frame.width, frame.height) / 100));

/** Corner paths are followed to within this many pixels once reduced to straight segments. */
export const CORNER_TOLERANCE_PX = 0.02;

export interface CompositeCommand {
  /** ffmpeg arguments; the graph is read from `graphPath` (it can be long). */
  args: string[];
  /** The filtergraph to write to `graphPath` before running. */
  graph: string;
}

/** What every step of the graph adds to. */
export interface GraphBuilder {
  /** Filter chains, joined with `;` into the script. */
  g: string[];
  /** Adds an input, read through the file protocol only, and returns its stream index: the `-i` and its `[i:v]` stay together. */
  input: (path: string, pre?: string[]) => number;
  /** A pad name not used before. */
  fresh: (name: string) => string;
  /** Puts a stream on the master's clock (see buildCompositeArgs). */
  restamp: string;
}

/** A graph on the master's clock (rate a fraction like "25/1") and the ffmpeg arguments its inputs go into. */
export function graphBuilder(fpsFraction: string): { b: GraphBuilder; args: string[] } {
  const [num, den] = fpsFraction.split('/').map(Number);
  const args: string[] = [];
  const g: string[] = [];
  let inputs = 0;
  let label = 0;
  const b: GraphBuilder = {
    g,
    input: (p, pre = []) => {
      args.push(...pre, '-protocol_whitelist', 'file', '-i', p);
      return inputs++;
    },
    fresh: (name) => `${name}${label++}`,
    // Every stream that meets in an overlay is put on one clock: a tick per master frame, frame n at n. overlay
    // emits a frame for each input's frame, so a timestamp that differs by rounding would add a frame.
    restamp: `settb=${den}/${num},setpts=N`,
  };
  return { b, args };
}

/**
 * One ffmpeg pass per variant: the master is decoded once and drives the
 * timeline (one output frame per master frame); the plate is prepared once
 * (crop, scale, grade) and, when the camera moved, warped per frame by
 * `perspective`, whose corners follow expressions in the frame number because
 * ffmpeg 5.1 cannot send it commands; every deliverable and the thumbnail are
 * encoded from the same composited frames.
 */
export function buildCompositeArgs(plan: CompositePlan, graphPath: string): CompositeCommand {
  assertPlan(plan);
  const { master, environment: env } = plan;
  const W = master.width;
  const H = master.height;
  // assertPlan has checked the rate is a fraction.
  const [num, den] = master.fpsFraction.split('/').map(Number);
  const { b, args } = graphBuilder(master.fpsFraction);
  const { g, restamp, fresh } = b;
  b.input(master.path);

  // The master is read once; its own surroundings (no plate) and a plane label shaded by it take more copies.
  const pl = plan.planeLabel ?? null;
  // A plane never tracked has no window: nothing to draw, no input to add.
  const canvas = pl ? planeWindow(pl.quads, { width: W, height: H }) : null;
  const shade = !!canvas && pl!.shading > 0;
  // A key made ahead (buildOcclusionKeyArgs) is read as it is; otherwise it is worked out here, every frame.
  const occlusionKey = canvas ? (pl!.occlusionKeyPath ?? null) : null;
  const occlusion = canvas && !occlusionKey ? (pl!.occlusion ?? null) : null;
  // The occlusion key and the cut-out read the same matte (the master's): decoded once and split, like the master.
  const shareMatte = !!env && !env.matteShaped && occlusion?.mattePath === env.mattePath;
  const ownBackground = !!env && !env.plate;
  const copies = ['masterMain', ...(ownBackground ? ['masterBg'] : []), ...(shade ? ['masterShade'] : []), ...(occlusion ? ['masterOcc'] : [])];
  let masterPad = '0:v';
  if (copies.length > 1) {
    g.push(`[0:v]split=${copies.length}${copies.map((c) => `[${c}]`).join('')}`);
    masterPad = 'masterMain';
  }

  let picture: string;
  const s = plan.structureAdherence;
  const subjectGradeAmount = plan.grade ? plan.grade.frameAmount * (1 - s) : 0;

  if (env) {
    const matteIn = b.input(env.mattePath);
    let plate: string;
    if (env.movedPlatePath) {
      // Made ahead by buildMovedPlateArgs: cropped, graded and moved already, one frame per master frame.
      plate = fresh('plate');
      g.push(`[${b.input(env.movedPlatePath)}:v]${restamp},format=yuv420p,fps=${num}/${den}[${plate}]`);
    } else if (env.plate && env.view) {
      const plateIn = b.input(env.plate.path, env.plate.kind === 'video' ? ['-stream_loop', '-1'] : []);
      plate = plateChain(b, plan, env, plateIn, { width: W, height: H }, `${num}/${den}`);
    } else {
      // The master's own surroundings: the frame grade in full, once a frame (premixed, so one lookup).
      plate = fresh('bg');
      g.push(`[masterBg]${restamp}[${plate}]`);
      if (plan.grade?.frameAmount) {
        const grade = plan.frameLutPath ? { lutPath: plan.frameLutPath, amount: 1 } : { lutPath: plan.grade.lutPath, amount: plan.grade.frameAmount };
        plate = gradeChain(b, plate, grade);
        const back = fresh('bg');
        g.push(`[${plate}]format=yuv420p[${back}]`);
        plate = back;
      }
    }
    // Matte: choke and feather (see matteShape), unless the matte was shaped ahead (buildShapedMatteArgs).
    const shape = env.matteShaped ? [] : matteShape(env);
    const alpha = env.lightWrap > 0 ? 'alphaSrc' : 'alpha';
    if (shareMatte) {
      g.push(`[${matteIn}:v]${restamp},format=gray,split=2[matteCut][matteOcc]`, `[matteCut]${shape.join(',') || 'null'}[${alpha}]`);
    } else {
      g.push(`[${matteIn}:v]${restamp},${['format=gray', ...shape].join(',')}[${alpha}]`);
    }
    for (const fx of env.effects) plate = overlayStill(b, plate, fx, 'yuv420');

    // Subject: the master's own pixels, moved toward the plate by (1 − s), cut out by the matte.
    let subject = fresh('subject');
    g.push(`[${masterPad}]${restamp}${plan.harmonise ? `,${lutyuvFilter(plan.harmonise)}` : ''}[${subject}]`);
    if (subjectGradeAmount > 0) subject = gradeChain(b, subject, subjectGrade(plan, subjectGradeAmount));

    if (env.lightWrap > 0) {
      // Light wrap: a blurred copy of the plate shows through the subject's edge, strongest just inside it.
      const r = LIGHT_WRAP_RADIUS({ width: W, height: H });
      g.push(`[alphaSrc]split=2[alpha][alphaW]`);
      g.push(`[${plate}]split=2[plateBase][plateWrap]`);
      g.push(`[alphaW]split=2[aIn][aOut]`);
      g.push(`[aOut]negate,gblur=sigma=${r}[aEdge]`);
      g.push(`[aIn][aEdge]blend=all_mode=multiply,lut=y=val*${num3(env.lightWrap)}[wrapA]`);
      g.push(`[plateWrap]gblur=sigma=${r}[plateBlur]`);
      g.push(`[plateBlur][wrapA]alphamerge[wrap]`);
      plate = 'plateBase';
    }
    const cut = fresh('cut');
    g.push(`[${subject}]format=yuva420p[${cut}s];[${cut}s][alpha]alphamerge[${cut}]`);
    picture = fresh('comp');
    g.push(`[${plate}][${cut}]overlay=0:0:format=yuv420:eof_action=pass[${picture}]`);
    if (env.lightWrap > 0) {
      const wrapped = fresh('comp');
      g.push(`[${picture}][wrap]overlay=0:0:format=yuv420[${wrapped}]`);
      picture = wrapped;
    }
  } else {
    picture = fresh('comp');
    g.push(`[${masterPad}]${restamp}[${picture}]`);
    // No matte to tell subject from surroundings: the whole frame takes the grade, as the subject would, by 1 − s.
    if (subjectGradeAmount > 0) picture = gradeChain(b, picture, subjectGrade(plan, subjectGradeAmount));
  }

  // Graphics are laid over in 4:2:0 when every deliverable is 4:2:0 anyway: composing them in RGB would turn
  // the whole frame to RGB and back, twice the cost of the overlays themselves (measured: ≈ 20 ms a frame at 1080p).
  const graphics: GraphicsFormat = plan.outputs.every((o) => o.kind === 'draft' || o.kind === 'master') ? 'yuv420' : 'auto';
  if (pl && canvas) picture = planeLabelChain(b, picture, pl, canvas, master.frameCount, shareMatte ? 'matteOcc' : null, occlusionKey, graphics);

  // The QC tap sees the composite in the master's frame, before reframing and before the layers drawn on purpose.
  const tap = plan.qcTap;
  if (tap) {
    const main = fresh('comp');
    g.push(`[${picture}]split=2[${main}][qcSrc]`, `[qcSrc]scale=${tap.width}:${tap.height}:flags=bilinear,format=gray[qc]`);
    picture = main;
  }
  const rf = plan.reframe;
  const out = rf ? { width: rf.width, height: rf.height } : { width: W, height: H };
  if (rf) {
    // crop evaluates x and y every frame (n counts from 0); the window's path is a few straight segments.
    const path = (v: number[]) => frameExpr(v, { variable: 'n', firstValue: 0, tolerance: 0.5, digits: 2 });
    const framed = fresh('framed');
    g.push(`[${picture}]crop=w=${rf.width}:h=${rf.height}:x=${path(rf.x)}:y=${path(rf.y)}[${framed}]`);
    picture = framed;
  }
  for (const layer of plan.layers) picture = overlayStill(b, picture, layer, graphics);

  const outs = plan.outputs.map((o) => ({ o, stage: outputStage(o, out, plan.encode, master.hasAudio) }));
  const splits = outs.map((_, i) => `out${i}`);
  g.push(`[${picture}]split=${outs.length + 1}${splits.map((l) => `[${l}]`).join('')}[thumbSrc]`);
  outs.forEach(({ stage }, i) => g.push(`[out${i}]${stage.filters.join(',')}[v${i}]`));
  const tf = Math.min(Math.max(0, Math.round(plan.thumbnail.frame)), master.frameCount - 1);
  g.push(`[thumbSrc]select=eq(n\\,${tf}),scale=${even(plan.thumbnail.width)}:-2,format=yuvj420p[thumb]`);

  const threads = plan.filterThreads || (isLightGraph(plan, subjectGradeAmount, out) ? 1 : 0);
  if (threads) args.push('-filter_complex_threads', String(threads));
  args.push('-filter_complex_script', graphPath);
  outs.forEach(({ o, stage }, i) => {
    const audio = master.hasAudio && o.kind !== 'exr' ? ['-map', '0:a?'] : [];
    args.push('-map', `[v${i}]`, ...audio, '-fps_mode', 'passthrough', ...stage.args, o.path);
  });
  args.push('-map', '[thumb]', '-frames:v', '1', '-update', '1', '-q:v', '3', plan.thumbnail.path);
  // A .nut tap holds raw grey frames (no encoder on the render's path), a .mkv one FFV1 (a quarter of the size).
  if (tap) args.push('-map', '[qc]', '-fps_mode', 'passthrough', ...(tap.path.endsWith('.nut') ? ['-c:v', 'rawvideo', '-f', 'nut'] : ['-c:v', 'ffv1']), '-an', tap.path);
  return { args, graph: g.join(';\n') };
}

/**
 * The plate: the planned crop at frame size, graded once for a still, one copy
 * per master frame, and warped per frame by `perspective` when the camera moved.
 */
export function plateChain(
  b: GraphBuilder,
  plan: Pick<CompositePlan, 'master' | 'grade'>,
  env: Environment,
  plateIn: number,
  frame: { width: number; height: number },
  rate: string,
): string {
  const { g, fresh } = b;
  const { master } = plan;
  const c = env.view!.crop;
  const video = env.plate!.kind === 'video';
  // A video plate is resampled to the master's rate and cut to its length first (looped by -stream_loop when
  // shorter), so every later step touches only the frames the shot uses.
  const head = video ? [`fps=${rate}`, `trim=end_frame=${master.frameCount}`] : [];
  const prep = [...head, 'format=gbrp', `crop=${c.width}:${c.height}:${c.x}:${c.y}:exact=1`, `scale=${frame.width}:${frame.height}:flags=bicubic`, 'setsar=1'];
  const plateGrades: Grade[] = [];
  if (plan.grade?.plateAmount) plateGrades.push({ lutPath: plan.grade.lutPath, amount: plan.grade.plateAmount });
  if (plan.grade?.frameAmount) plateGrades.push({ lutPath: plan.grade.lutPath, amount: plan.grade.frameAmount });
  let plate = fresh('plate');
  g.push(`[${plateIn}:v]${prep.join(',')}[${plate}]`);
  for (const grade of plateGrades) plate = gradeChain(b, plate, grade);
  const timed = fresh('plate');
  const repeat = video ? '' : `${repeatStill(master.frameCount)},`;
  // fps (a no-op on frames already one tick apart) gives the link the master's rate; a still's would be 25/1,
  // and the encoder's time base is taken from it.
  g.push(`[${plate}]format=yuv420p,${repeat}${b.restamp},fps=${rate}[${timed}]`);
  plate = timed;
  if (plateMoves(env)) {
    const moved = fresh('plate');
    g.push(`[${plate}]${perspectiveFilter(env.motion.map((h) => perspectiveCorners(env.view!, frame, h)))}[${moved}]`);
    plate = moved;
  }
  return plate;
}

/**
 * The label on its tracked plane, all in the plane's moving window (see
 * planeWindow): the padded label stretched to the window, repeated per frame
 * and warped by `perspective` onto that frame's quad; multiplied by the
 * master's luma under the window (normalised to the plane's seeded
 * brightness, by the shading share); cut where the occlusion key says
 * something is in front; laid over at the window's place, only where tracked.
 */
function planeLabelChain(
  b: GraphBuilder,
  under: string,
  pl: PlaneLabel,
  canvas: PlaneWindow,
  frameCount: number,
  sharedMatte: string | null,
  keyPath: string | null,
  graphics: GraphicsFormat,
): string {
  const { g, fresh, restamp } = b;
  // In 4:2:0 the label is warped, shaded and cut as YUV with alpha (a third fewer samples than RGB, and no
  // conversion of the window back to YUV before the overlay); else in RGB.
  const yuv = graphics === 'yuv420';
  let label = warpOntoPlane(b, pl.path, pl, canvas, frameCount, yuv ? 'yuva420p' : 'gbrap');
  // Where something is in front of the plane: the key made ahead, else worked out here (see occlusionFront).
  let front: string | null = null;
  if (keyPath) {
    front = fresh('front');
    g.push(`[${b.input(keyPath)}:v]${restamp},format=gray[${front}]`);
  } else if (pl.occlusion) {
    const reference = warpOntoPlane(b, pl.occlusion.referencePath, { size: pl.occlusion.referenceSize, quads: pl.quads }, canvas, frameCount, 'gbrap');
    front = occlusionFront(b, 'masterOcc', pl.occlusion, reference, canvas, sharedMatte);
  }
  if (pl.shading > 0) {
    const k = pl.shading;
    const gain = 255 / Math.max(8, pl.referenceLuma);
    // The shade: 255 leaves the label as designed, lower darkens it, as the master's light falls on the plane.
    const shade = fresh('shade');
    g.push(`[masterShade]${restamp},${windowCrop(canvas)},format=gray,lut=y=clip(${num3(1 - k)}*255+${num3(k * gain)}*val\\,0\\,255)[${shade}]`);
    const shaded = fresh('planeLabel');
    if (yuv) {
      // The same multiply in YUV: luma above black and chroma about neutral scale with the shade (half-size for
      // chroma). The shade's alpha carries what is not in front, so one lookup also cuts the label there.
      const pads = [`${shade}y`, `${shade}c`];
      let alpha = `${shade}a`;
      if (front) {
        alpha = fresh('keep');
        g.push(`[${front}]negate[${alpha}]`);
      } else {
        pads.push(alpha);
      }
      g.push(
        `[${shade}]split=${pads.length}${pads.map((x) => `[${x}]`).join('')}`,
        `[${shade}c]scale=w=iw/2:h=ih/2:flags=area,split=2[${shade}u][${shade}v]`,
        `[${shade}y][${shade}u][${shade}v][${alpha}]mergeplanes=0x00102030:yuva420p[${shade}m]`,
        `[${label}][${shade}m]lut2=c0=16+(x-16)*y/255:c1=128+(x-128)*y/255:c2=128+(x-128)*y/255:c3=${front ? 'x*y/255' : 'x'}[${shaded}]`,
      );
      front = null;
    } else {
      g.push(`[${shade}]format=gbrap[${shade}m]`, `[${label}][${shade}m]blend=c0_mode=multiply:c1_mode=multiply:c2_mode=multiply:c3_mode=normal[${shaded}]`);
    }
    label = shaded;
  }
  if (front) label = cutWhereFront(b, label, front);
  const out = fresh('labelled');
  const enable = trackedFramesExpr(pl.quads);
  // overlay's own n is 1 on the first frame (its timeline `enable` counts from 0, crop's n too: measured).
  const at = `x=${stepExpr(canvas.x, 'n', 1)}:y=${stepExpr(canvas.y, 'n', 1)}`;
  g.push(`[${under}][${label}]overlay=${at}:format=${graphics}${enable ? `:enable='${enable}'` : ''}[${out}]`);
  return out;
}

/** The plane's window, frame by frame (crop evaluates x and y every frame; n counts from 0). */
const windowCrop = (w: PlaneWindow) => `crop=w=${w.width}:h=${w.height}:x=${stepExpr(w.x, 'n')}:y=${stepExpr(w.y, 'n')}:exact=1`;

/** A label-sized still, padded, stretched to the window, repeated per frame and warped onto each frame's quad in that frame's window. */
export function warpOntoPlane(
  b: GraphBuilder,
  file: string,
  pl: Pick<PlaneLabel, 'size' | 'quads'>,
  canvas: PlaneWindow,
  frameCount: number,
  format: 'gbrap' | 'yuva420p',
): string {
  const warp = perspectiveFilter(fillLostQuads(pl.quads).map((q, n) => planeLabelCorners(pl.size, windowAt(canvas, n), q)));
  const warped = b.fresh('planeLabel');
  b.g.push(
    `[${b.input(file)}:v]format=rgba,pad=w=iw+${2 * LABEL_PAD}:h=ih+${2 * LABEL_PAD}:x=${LABEL_PAD}:y=${LABEL_PAD}:color=black@0,` +
      `scale=${canvas.width}:${canvas.height}:flags=bicubic,format=${format},${repeatStill(frameCount)},${b.restamp},${warp}[${warped}]`,
  );
  return warped;
}

/**
 * A morphological closing (4 × 3×3 dilations, then 4 erosions): fills holes up
 * to about 8 px in what is in front, where a patch of the occluder happens to
 * match the plane's colour (measured: a skin-toned hand over a night skyline's
 * orange lights left a hole of about 10 × 7 px).
 */
const CLOSE_HOLES = [...Array(4).fill('dilation'), ...Array(4).fill('erosion')].join(',');

/**
 * Where something is in front of the plane, per frame, on the canvas (white =
 * in front; see PlaneOcclusion): the master and the plane's seeded look, both
 * on the canvas, differ by more than the threshold in some colour, or the
 * plane was background at its seed; and the matte says subject. Small 8-bit
 * lookups (lut2) on the canvas only; an opening drops the thin lines a track
 * error of a pixel leaves along the plane's own edges, a closing fills small
 * holes, and a one-pixel blur softens the cut. Returns the key's pad.
 */
export function occlusionFront(b: GraphBuilder, masterPad: string, occ: PlaneOcclusion, reference: string, canvas: PlaneWindow, sharedMatte: string | null): string {
  const { g, restamp } = b;
  // The matte on the master's clock, in grey: the cut-out's copy (already both) when it reads the same file.
  const matte = sharedMatte ? `[${sharedMatte}]` : `[${b.input(occ.mattePath)}:v]${restamp},format=gray,`;
  const o = b.fresh('occ');
  const crop = windowCrop(canvas);
  const t = Math.round(occ.threshold);
  const differs = `if(gt(abs(x-y)\\,${t})\\,255\\,0)`;
  g.push(
    // Per colour plane, then the largest: a hand can match a label's brightness, rarely its colour too.
    `[${masterPad}]${restamp},${crop},format=gbrap[${o}now]`,
    `[${o}now][${reference}]lut2=c0=${differs}:c1=${differs}:c2=${differs}:c3=y,extractplanes=r+g+b+a[${o}dr][${o}dg][${o}db][${o}refA]`,
    `[${o}dr][${o}dg]lut2=c0=max(x\\,y)[${o}drg]`,
    `[${o}drg][${o}db]lut2=c0=max(x\\,y)[${o}differs]`,
    `${matte}${crop}[${o}matte]`,
    `[${o}differs][${o}refA]lut2=c0=max(x\\,255-y)[${o}notPlane]`,
    `[${o}notPlane][${o}matte]lut2=c0=x*y/255,erosion,dilation,${CLOSE_HOLES},dilation,gblur=sigma=1[${o}front]`,
  );
  return `${o}front`;
}

/** Takes the label's alpha away where the key says something is in front. */
function cutWhereFront({ g, fresh }: GraphBuilder, label: string, front: string): string {
  const o = fresh('cut');
  g.push(
    `[${label}]split=2[${o}rgb][${o}a]`,
    `[${o}a]alphaextract[${o}alpha]`,
    `[${o}alpha][${front}]lut2=c0=x*(255-y)/255[${o}keep]`,
    `[${o}rgb][${o}keep]alphamerge[${o}label]`,
  );
  return `${o}label`;
}

/**
 * No filter works on the whole frame every frame beyond the composite itself: no plate warped or graded here,
 * no per-frame grade or harmonising, no light wrap, one H.264 master at the picture's own size (no scaler, no colour conversion).
 */
function isLightGraph(plan: CompositePlan, subjectGradeAmount: number, picture: { width: number; height: number }): boolean {
  const env = plan.environment;
  if (subjectGradeAmount > 0 || plan.harmonise || plan.outputs.length !== 1 || plan.outputs[0].kind !== 'master') return false;
  const size = outputSize('master', picture);
  if (size.width !== picture.width || size.height !== picture.height) return false;
  if (!env) return true;
  const plateHere = !env.movedPlatePath && (plateMoves(env) || env.plate?.kind === 'video');
  const ownGraded = !env.plate && !!plan.grade?.frameAmount;
  return !plateHere && !ownGraded && env.lightWrap === 0;
}

/** The subject's share of the frame grade: the premixed LUT at full strength when there is one. */
function subjectGrade(plan: CompositePlan, amount: number): Grade {
  return plan.subjectLutPath ? { lutPath: plan.subjectLutPath, amount: 1 } : { lutPath: plan.grade!.lutPath, amount };
}

/** `amount` of a LUT: the graded copy laid over the original at that opacity (lut3d works in RGB). */
function gradeChain({ g, fresh }: GraphBuilder, from: string, grade: Grade): string {
  const a = fresh('g');
  const out = fresh('graded');
  const lut = `lut3d=file=${escapePath(grade.lutPath)}:interp=tetrahedral`;
  if (grade.amount >= 1) {
    g.push(`[${from}]format=gbrp,${lut}[${out}]`);
  } else {
    g.push(`[${from}]format=gbrp,split=2[${a}o][${a}i]`, `[${a}i]${lut}[${a}l]`, `[${a}l][${a}o]blend=all_mode=normal:all_opacity=${num3(grade.amount)}[${out}]`);
  }
  return out;
}

/** How graphics are laid over the picture: in 4:2:0 (the picture stays YUV) or in whatever both sides share (RGB for an RGBA still). */
type GraphicsFormat = 'yuv420' | 'auto';

function overlayStill(b: GraphBuilder, under: string, layer: StillLayer, graphics: GraphicsFormat): string {
  const index = b.input(layer.path);
  const out = b.fresh('layer');
  let [x, y] = [Math.round(layer.x), Math.round(layer.y)];
  let still = `${index}:v`;
  if (graphics === 'yuv420') {
    // 4:2:0 overlays land on even pixels only: an odd place gets one transparent column (row) in front instead.
    const [dx, dy] = [x & 1, y & 1];
    const pad = dx || dy ? `,pad=w=iw+${dx}:h=ih+${dy}:x=${dx}:y=${dy}:color=black@0` : '';
    [x, y] = [x - dx, y - dy];
    still = `${out}s`;
    b.g.push(`[${index}:v]format=rgba${pad},format=yuva420p[${still}]`);
  }
  b.g.push(`[${under}][${still}]overlay=${x}:${y}:format=${graphics}:enable='between(n\\,${layer.from}\\,${layer.to})'[${out}]`);
  return out;
}

/** Choke by eroding, feather by blurring; gblur's sigma is about a third of the visible falloff. */
export function matteShape(env: { chokePx: number; featherPx: number }): string[] {
  const shape = Array.from({ length: Math.round(env.chokePx) }, () => 'erosion');
  if (env.featherPx > 0) shape.push(`gblur=sigma=${num3(env.featherPx / 3)}`);
  return shape;
}

/** A still repeated once per master frame (loop's count is of repeats, after the first). */
const repeatStill = (frames: number) => `loop=loop=${frames - 1}:size=1:start=0`;

/**
 * `perspective` putting the input's corners on per-frame paths (`in` counts
 * frames from 1), each path reduced to straight segments by frameExpr.
 */
function perspectiveFilter(corners: PerspectiveCorners[]): string {
  const coord = (k: number, axis: 0 | 1) => frameExpr(corners.map((c) => c[k][axis]), { variable: 'in', firstValue: 1, tolerance: CORNER_TOLERANCE_PX });
  const opts = [0, 1, 2, 3].map((k) => `x${k}=${coord(k, 0)}:y${k}=${coord(k, 1)}`).join(':');
  return `perspective=${opts}:sense=destination:eval=frame:interpolation=linear`;
}

/** Filtergraph escaping for a file path inside an option value. */
export function escapePath(p: string): string {
  return `'${p.replace(/\\/g, '\\\\').replace(/'/g, "'\\\\''").replace(/:/g, '\\:')}'`;
}

const num3 = (v: number) => (Math.round(v * 1000) / 1000).toString();

function assertPlan(plan: CompositePlan): void {
  const problems: string[] = [];
  const { master, environment: env } = plan;
  if (!(master.width >= 2 && master.height >= 2)) problems.push('master size must be at least 2×2');
  if (!(master.frameCount >= 1)) problems.push('master must have at least one frame');
  if (!/^\d+\/\d+$/.test(master.fpsFraction) || master.fpsFraction.startsWith('0')) problems.push(`master rate "${master.fpsFraction}" is not a fraction like 25/1`);
  if (!plan.outputs.length) problems.push('at least one output is needed');
  if (!(plan.structureAdherence >= 0 && plan.structureAdherence <= 1)) problems.push('structure adherence must be in 0…1');
  if (plan.reframe) {
    const r = plan.reframe;
    if (r.x.length !== master.frameCount || r.y.length !== master.frameCount) problems.push('the reframe path needs one position per master frame');
    if (!(r.width >= 2 && r.height >= 2 && r.width <= master.width && r.height <= master.height)) problems.push('the reframe window must fit inside the master frame');
  }
  if (plan.grade && ![plan.grade.plateAmount, plan.grade.frameAmount].every((a) => a >= 0 && a <= 1)) problems.push('grade amounts must be in 0…1');
  if (env) {
    if (env.motion.length && env.motion.length !== master.frameCount) {
      problems.push(`camera motion has ${env.motion.length} frames, the master ${master.frameCount}`);
    }
    if (!(env.chokePx >= 0 && env.chokePx <= 20)) problems.push('choke must be 0…20 px');
    if (!(env.featherPx >= 0 && env.featherPx <= 50)) problems.push('feather must be 0…50 px');
    if (!(env.lightWrap >= 0 && env.lightWrap <= 1)) problems.push('light wrap must be in 0…1');
  }
  for (const l of [...plan.layers, ...(env?.effects ?? [])]) {
    if (!(l.from >= 0 && l.to >= l.from)) problems.push(`layer ${l.path} has frames ${l.from}…${l.to}`);
  }
  const kinds = plan.outputs.map((o) => o.kind);
  if (new Set(kinds).size !== kinds.length) problems.push('each output kind may appear once');
  if (problems.length) throw new Error(`invalid composite plan: ${problems.join('; ')}`);
}
