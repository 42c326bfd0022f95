export { loadOpenCv, type Cv } from './opencv';
export { analyseShot, planeWorkSize, workSize, type AnalyseShotOptions, type ShotAnalysis, type ShotInfo } from './analyse-shot';
export { createCameraMotionEstimator, type CameraMotionEstimator, type CameraMotionOptions } from './camera-motion';
export { checkPlaneSeeds, PlaneSeedError, trackPlane, type PlaneSeed, type PlaneTrackShot, type TrackPlaneOptions } from './plane-tracker';
export { colourStats } from './colour-stats';
export {
  createIsNetMatter,
  ISNET_HEADS,
  ISNET_SIZE,
  MatteModelError,
  type IsNetHead,
  type IsNetOptions,
  type Matter,
  type MatterProviderChoice,
} from './isnet';
export { createKeyframeCursor, KEYFRAME_DEFAULTS, planMatteKeyframes, type KeyframeCursor, type MatteKeyframeOptions, type MatteKeyframePlan } from './matte-keyframes';
export { denseFlow, FLOW_LONG_SIDE, flowSize, frameMotion, pickRerun, propagateSegment, type FlowFrame, type PropagatedFrame } from './matte-propagation';
export {
  computeMattes,
  computeMattesPerFrame,
  DEFAULT_CONFIDENCE_FLOOR,
  matteIoU,
  MIN_SPLIT_GAP,
  type ComputeMattesOptions,
  type MatteResult,
  type MatteVideoShape,
} from './matting';
export {
  agreeOnKey,
  buildChromaMatteArgs,
  buildDespillFilter,
  CHROMA_DEFAULTS,
  detectKeyColour,
  hexColour,
  isKeyLike,
  keyChroma,
  keyHue,
  type ChromaMatteOptions,
  type DespillOptions,
  type DetectKeyOptions,
  type KeyChromaOptions,
  type Rgb,
} from './chroma-key';
export { matteCentroids } from './matte-centroids';
export { planeSeedLook, rectifyPlane, type PlaneReference } from './plane-reference';
export {
  createOcr,
  detSize,
  OCR_DET,
  OCR_REC,
  OcrModelError,
  sortReadingOrder,
  type Ocr,
  type OcrLine,
  type OcrOptions,
  type OcrProviderChoice,
  type OcrRegion,
} from './ocr';
export {
  characterErrorRate,
  classifyScript,
  ctcGreedyDecode,
  editDistance,
  foldForComparison,
  judgeOcr,
  MIN_CHECKED_SHARE,
  OCR_CER_THRESHOLD,
  parseDictionary,
  prepareComparable,
  type ComparableCopy,
  type CopyToken,
  type CtcDecoded,
  type JudgeOcrInput,
  type OcrDictionary,
  type OcrJudgement,
  type OcrVerdict,
  type ScriptClass,
  type ScriptReport,
} from './ocr-text';
