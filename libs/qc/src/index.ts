export { weightedSsim, type SsimResult } from './ssim';
export { FOREGROUND_SSIM_MIN, measureVariant, qcSize, type MeasureVariantInput, type VariantMeasurement } from './measure-variant';
export { legalLineCheck, safeAreaCheck, type PlacedLayer } from './layout-checks';
export { bestReading, copyOcrCheck, type CopyReading } from './copy-check';
export { planeCopyFrame, type WindowPath } from './plane-copy';
