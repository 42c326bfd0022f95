export { loadOpenCv, type Cv } from './opencv';
export { analyseShot, workSize, type AnalyseShotOptions, type ShotAnalysis, type ShotInfo } from './analyse-shot';
export { createCameraMotionEstimator, type CameraMotionEstimator, type CameraMotionOptions } from './camera-motion';
export { checkPlaneSeeds, PlaneSeedError, trackPlane, type PlaneSeed, type PlaneTrackShot, type TrackPlaneOptions } from './plane-tracker';
export { colourStats } from './colour-stats';
