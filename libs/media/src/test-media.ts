import * as path from 'node:path';
import type { MediaTools } from './media-tools';

/** Shared real footage lives beside the repository, never inside it. */
export const SHARED_MEDIA = path.resolve(__dirname, '../../../../shared/media');
export const clip = (name: string) => path.join(SHARED_MEDIA, 'clips', name);
export const plate = (name: string) => path.join(SHARED_MEDIA, 'plates', name);
export const tools: MediaTools = { ffmpegPath: 'ffmpeg', ffprobePath: 'ffprobe' };
