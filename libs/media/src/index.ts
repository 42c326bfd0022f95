export { type MediaTools } from './media-tools';
export {
  countFrames,
  interpretVideoProbe,
  probeImage,
  probeVideo,
  IMAGE_FORMAT_WHITELIST,
  VIDEO_FORMAT_WHITELIST,
  type ImageProbe,
  type ProbeOptions,
  type VideoProbe,
} from './probe';
export { FfmpegError, runFfmpeg, type RunFfmpegOptions } from './run-ffmpeg';
export { even } from './even';
export { buildSyntheticMasterArgs, type SyntheticMasterOptions } from './synthetic-master-args';
export { buildEffectLayerArgs, buildStillArgs, type EffectLayerOptions, type StillOptions } from './still-args';
export { buildMezzanineArgs, buildProxyArgs, buildSpriteArgs, spriteLayout, type ColourInfo, type SpriteLayout } from './ingest-args';
export { interpretColour, probeColour } from './colour';
export {
  ACCEPTED_VIDEO_CODECS,
  checkFileSize,
  checkIngestLimits,
  DEFAULT_INGEST_LIMITS,
  type IngestLimits,
  type ProbedMaster,
} from './ingest-limits';
export {
  buildFrameGrabArgs,
  buildGreyVideoWriterArgs,
  buildReadFramesArgs,
  grabFrame,
  openGreyVideoWriter,
  type FrameGrabOptions,
  readFrames,
  type GreyVideoWriter,
  type GreyVideoWriterOptions,
  type RawPixelFormat,
  type ReadFramesOptions,
  writeRgbaPng,
} from './frame-io';
