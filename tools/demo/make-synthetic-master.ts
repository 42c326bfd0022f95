// Generates the demo's master shot: the `demo-scene` template (a product
// shot drawn as SVG) rasterised once, then "filmed" by a virtual camera that
// moves across it, so the clip has real camera motion for the pipeline to
// analyse. Procedural on purpose: no footage is stored in the repository.
//
//   node -r @swc-node/register tools/demo/make-synthetic-master.ts OUT.mp4
//
// Run by tools/demo/demo.mjs (via `npm start`) when OUT.mp4 is missing.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { buildSyntheticMasterArgs, runFfmpeg } from '@shotmatrix/media';
import { TemplateRegistry, renderLabelPng } from '@shotmatrix/templating';

const WIDTH = 960;
const HEIGHT = 540;
const FPS = 25;
const DURATION_S = 5;
// The scene is twice the frame's width so the camera has room to travel.
const SCENE_WIDTH = WIDTH * 2;

async function main(): Promise<void> {
  const outputPath = path.resolve(process.argv[2] ?? '.data/demo/synthetic-master.mp4');
  const dir = path.dirname(outputPath);
  mkdirSync(dir, { recursive: true });

  const repoRoot = path.resolve(__dirname, '..', '..');
  const registry = new TemplateRegistry(path.join(repoRoot, 'templates'));
  const scene = renderLabelPng(await registry.get('demo-scene'), { brand: 'Brisa' }, { width: SCENE_WIDTH });
  const scenePath = path.join(dir, 'demo-scene.png');
  writeFileSync(scenePath, scene.png);

  // Written under a temporary name and renamed: an interrupted run must not look cached.
  const partial = path.join(dir, `.partial-${path.basename(outputPath)}`);
  rmSync(partial, { force: true });
  const args = buildSyntheticMasterArgs({ scenePath, outputPath: partial, width: WIDTH, height: HEIGHT, fps: FPS, durationS: DURATION_S });
  await runFfmpeg(
    { ffmpegPath: process.env['FFMPEG_PATH'] ?? 'ffmpeg', ffprobePath: process.env['FFPROBE_PATH'] ?? 'ffprobe' },
    args,
  );
  renameSync(partial, outputPath);
  const shown = path.relative(process.cwd(), outputPath);
  console.log(`synthetic master written to ${shown.startsWith('..') ? outputPath : shown}`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
