// `npm run bench:render`: the marginal cost of one more variant. On a 5 s
// 1080p master (a real clip, upscaled and given a slow camera push so camera
// transfer has work to do) it times, in one process: a plain x264 transcode of
// the master (the baseline), the master's analysis (IS-Net mattes, camera
// motion, colour statistics), and our render of one variant's 1080p master
// output with the same encoder settings — environment change with camera
// transfer, market grade, label and a super all on, at the default structure
// adherence (s = 1), and once more at s = 0.8. QC runs after, timed apart. Prints the cost of a 12-variant matrix analysed
// every time against analysed once, and as its last line the ratio
// docs/benchmarks.md keeps. Self-contained: fetches model weights if needed
// and works in a temporary folder.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { buildCompositeArgs, harmoniseSubject, medianStats, planPlateView, type CompositePlan } from '@shotmatrix/compositor';
import { DEFAULT_COMPOSITE_SETTINGS, layoutVariant, mixCubeLut, scaleMotion } from '@shotmatrix/domain';
import { countFrames, probeImage, probeVideo, readFrames, runFfmpeg, type MediaTools } from '@shotmatrix/media';
import { measureVariant, qcSize } from '@shotmatrix/qc';
import { renderLabelPng, TemplateRegistry } from '@shotmatrix/templating';
import { analyseShot, colourStats, loadOpenCv } from '@shotmatrix/vision';

const ROOT = path.resolve(__dirname, '../..');
const MEDIA = path.resolve(ROOT, '../shared/media');
const CLIP = path.join(MEDIA, 'clips/macro_flower_mdn.mp4');
const PLATE = path.join(MEDIA, 'plates/mountains_lake_sherburne_budgie.jpg');
const LUT = path.join(MEDIA, 'luts/warm_cinema.cube');
const MATRIX = 12;
const ENCODE = { crf: 20, preset: 'veryfast' };

const importEsm = new Function('p', 'return import(p)') as (p: string) => Promise<{ ensureModels(): Promise<string[]> }>;
const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const v = await fn();
  return [v, performance.now() - t];
}

async function main(): Promise<void> {
  const models = await importEsm(path.join(ROOT, 'tools/stack/models.mjs'));
  const [modelPath] = await models.ensureModels();
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-render-'));
  try {
    // The master: 5 s at 1080p with a slow pan and a gentle bob (a camera move the analysis measures and the plate follows).
    const master = path.join(dir, 'master.mp4');
    await runFfmpeg(tools, [
      '-i', CLIP, '-t', '5',
      '-vf', "scale=2112:1188:flags=bicubic,crop=1920:1080:x='150*t/5':y='12+40*sin(t)',setsar=1",
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '16', '-pix_fmt', 'yuv420p', '-an', master,
    ]);
    const probe = await probeVideo(tools, master);
    const frame = { width: probe.width, height: probe.height };
    console.log(`master: ${path.basename(CLIP)} → ${probe.width}x${probe.height}, ${probe.frameCount} frames at ${probe.fpsFraction} (${probe.durationS.toFixed(2)} s); ${cpus().length} cores`);

    // Baseline: the plain transcode the issue names.
    const [, plainMs] = await timed(() =>
      runFfmpeg(tools, ['-i', master, '-c:v', 'libx264', '-preset', ENCODE.preset, '-crf', String(ENCODE.crf), path.join(dir, 'plain.mp4')]),
    );
    console.log(`baseline: plain ffmpeg transcode (libx264 ${ENCODE.preset} crf ${ENCODE.crf}): ${seconds(plainMs)}`);

    const mattePath = path.join(dir, 'matte.mkv');
    const [analysis, analyseMs] = await timed(() =>
      analyseShot(tools, master, probe, { modelPath, provider: 'auto', stride: 'auto', mattePath }),
    );
    const measured = analysis.cameraMotion.frames.filter((f) => f.confidence >= 0.4).length;
    console.log(
      `analysis (once per master): ${seconds(analyseMs)} — mattes ${analysis.matting.mode} on ${analysis.matting.provider ?? 'no network'}, ` +
        `k=${analysis.matting.stride}, camera motion measured on ${measured} of ${probe.frameCount} frames`,
    );

    // One variant: plate moved with the camera (m = 1), the market's warm grade on the plate, label and a super,
    // at the matrix's default structure adherence s = 1 (the subject is the master's pixels).
    const settings = DEFAULT_COMPOSITE_SETTINGS;
    const plate = await probeImage(tools, PLATE);
    const motion = analysis.cameraMotion.frames.map((f) => scaleMotion(f.h, 1, frame));
    const cv = await loadOpenCv();
    let plateStats = null;
    for await (const rgb of readFrames(tools, PLATE, { width: 320, height: 180, pixelFormat: 'rgb24' })) plateStats = colourStats(cv, rgb, 320, 180).all;
    const subject = medianStats(analysis.colourStats.map((f) => f.foreground));
    const templates = new TemplateRegistry(path.join(ROOT, 'templates'));
    const label = await templates.get('label-classic');
    const layout = layoutVariant(frame, label.width / label.height);
    const labelPng = renderLabelPng(label, { headline: 'Sommer-Frische', price: '1,99 €', legal: 'Nur solange der Vorrat reicht.' }, { width: layout.label.width });
    const superPng = renderLabelPng(label, { headline: 'Jetzt neu', price: 'NEU' }, { width: Math.round(frame.width * 0.3) });
    await writeFile(path.join(dir, 'label.png'), labelPng.png);
    await writeFile(path.join(dir, 'super.png'), superPng.png);
    const planFor = async (s: number, name: string): Promise<CompositePlan> => {
      let subjectLutPath: string | null = null;
      if (s < 1) {
        subjectLutPath = path.join(dir, `${name}-subject.cube`);
        await writeFile(subjectLutPath, mixCubeLut(await readFile(LUT, 'utf8'), settings.gradeFrame * (1 - s)));
      }
      return {
        master: { path: master, ...frame, fpsFraction: probe.fpsFraction, frameCount: probe.frameCount, hasAudio: probe.hasAudio },
        environment: {
          mattePath,
          plate: { kind: 'image', path: PLATE, width: plate.width, height: plate.height },
          view: planPlateView(plate, frame, motion),
          motion,
          chokePx: settings.choke,
          featherPx: settings.feather,
          lightWrap: settings.lightWrap,
          effects: [],
        },
        grade: { lutPath: LUT, plateAmount: settings.gradePlate, frameAmount: settings.gradeFrame },
        subjectLutPath,
        structureAdherence: s,
        harmonise: subject && plateStats ? harmoniseSubject(subject, plateStats, s, settings.harmonise) : null,
        layers: [
          { path: path.join(dir, 'label.png'), x: layout.label.x, y: layout.label.y, from: 0, to: probe.frameCount - 1 },
          { path: path.join(dir, 'super.png'), x: Math.round(frame.width * 0.65), y: Math.round(frame.height * 0.06), from: 15, to: 105 },
        ],
        outputs: [{ kind: 'master', path: path.join(dir, `${name}.mp4`) }],
        encode: ENCODE,
        thumbnail: { path: path.join(dir, `${name}.jpg`), width: 480, frame: Math.floor(probe.frameCount / 2) },
        qcTap: { path: path.join(dir, `${name}-qc.mkv`), ...qcSize(frame.width, frame.height) },
      };
    };
    const render = async (plan: CompositePlan) => {
      const graphPath = path.join(dir, 'graph.txt');
      const [, ms] = await timed(async () => {
        const cmd = buildCompositeArgs(plan, graphPath);
        await writeFile(graphPath, cmd.graph);
        await runFfmpeg(tools, cmd.args);
      });
      const frames = await countFrames(tools, plan.outputs[0].path);
      if (frames !== probe.frameCount) throw new Error(`the variant has ${frames} frames, the master ${probe.frameCount}`);
      return ms;
    };
    const plan = await planFor(1, 'variant');
    const renderMs = await render(plan);
    console.log(`render of one variant at s=1 (1080p master output + QC tap + thumbnail): ${seconds(renderMs)}, ${probe.frameCount} frames`);
    const relitMs = await render(await planFor(0.8, 'relit'));
    console.log(`the same at s=0.8 (subject harmonised and taking 10 % of the grade: one more 3D LUT lookup a frame): ${seconds(relitMs)}`);

    const [qc, qcMs] = await timed(() =>
      measureVariant(tools, {
        masterPath: master,
        master: probe,
        mattePath,
        compositePath: plan.qcTap!.path,
        output: { frameCount: probe.frameCount, fpsFraction: probe.fpsFraction, durationS: probe.durationS },
        structureAdherence: 1,
        edgeMarginPx: settings.choke + settings.feather,
        layerBoxes: [
          { x: layout.label.x, y: layout.label.y, width: labelPng.width, height: labelPng.height },
          { x: Math.round(frame.width * 0.65), y: Math.round(frame.height * 0.06), width: superPng.width, height: superPng.height },
        ],
        lockFrames: [],
        heatmapPath: path.join(dir, 'heat.png'),
      }),
    );
    const ssim = qc.checks.find((c) => c.name === 'foreground-ssim');
    console.log(`QC of the s=1 variant (timed apart): ${seconds(qcMs)}; ${ssim?.status}: ${ssim?.detail}`);

    const naive = MATRIX * (analyseMs + renderMs);
    const ours = analyseMs + MATRIX * renderMs;
    console.log(`${MATRIX}-variant matrix, analysing every time: ${seconds(naive)}; analysing once: ${seconds(ours)} (${(naive / ours).toFixed(1)}x less)`);
    console.log(`marginal variant / plain transcode: ${(renderMs / plainMs).toFixed(2)}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
