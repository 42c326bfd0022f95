import { localInput } from './probe';
import { runTool, type MediaTools } from './media-tools';
import type { ColourInfo } from './ingest-args';

interface ColourStream {
  color_primaries?: string;
  color_transfer?: string;
  color_space?: string;
  color_range?: string;
  pix_fmt?: string;
  bits_per_raw_sample?: string;
}

/** Reads the master's colour description; unknown values stay null rather than guessed. */
export async function probeColour(tools: MediaTools, filePath: string): Promise<ColourInfo> {
  const { code, stdout } = await runTool(tools.ffprobePath, [
    '-v', 'error', '-select_streams', 'v:0',
    '-show_entries', 'stream=color_primaries,color_transfer,color_space,color_range,pix_fmt,bits_per_raw_sample',
    '-of', 'json',
    ...localInput(filePath),
  ]);
  if (code !== 0) throw new Error(`ffprobe could not read the colour description of ${filePath}`);
  return interpretColour((JSON.parse(stdout) as { streams?: ColourStream[] }).streams?.[0] ?? {});
}

export function interpretColour(s: ColourStream): ColourInfo {
  const known = (v?: string) => (v && v !== 'unknown' && v !== 'reserved' ? v : null);
  const tenBit = /1[02]le$|p010|p210|p410/.test(s.pix_fmt ?? '') || Number(s.bits_per_raw_sample) >= 10;
  return {
    primaries: known(s.color_primaries),
    transfer: known(s.color_transfer),
    matrix: known(s.color_space),
    range: s.color_range === 'pc' || s.color_range === 'tv' ? s.color_range : null,
    bitDepth: tenBit ? 10 : 8,
  };
}
