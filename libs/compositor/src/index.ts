export * from './composite-plan';
export { buildCompositeArgs, CORNER_TOLERANCE_PX, LIGHT_WRAP_RADIUS, escapePath, type CompositeCommand } from './composite-args';
export { frameExpr, simplify, stepExpr, type FrameExprOptions } from './frame-expr';
export { DEFAULT_HARMONISE, harmoniseSubject, labToYuv, lutyuvFilter, medianStats, type YuvAffine } from './harmonise';
export { OUTPUT_FILE, OUTPUT_KINDS, OUTPUT_SHORT_SIDE, outputSize, outputStage, SDR_REFERENCE_WHITE_NITS, type EncodeSettings, type OutputKind, type OutputSpec } from './outputs';
export { perspectiveCorners, planPlateView, type PerspectiveCorners, type PlateView, type Rect, type Size } from './plate-view';
export {
  fillLostQuads,
  LABEL_PAD,
  OCCLUSION_THRESHOLD,
  planeCanvas,
  planeLabelCorners,
  planeRasterSizes,
  planeWindow,
  trackedFramesExpr,
  windowAt,
  type PlaneLabel,
  type PlaneOcclusion,
  type PlaneWindow,
} from './plane-label';
export { environmentFor, lutPremixes, qcTapFor, RAW_QC_TAP_MAX_BYTES, THUMBNAIL_WIDTH, VARIANT_ENCODE, variantPlan, type VariantPlanInput } from './variant-plan';
export {
  buildMovedPlateArgs,
  buildOcclusionKeyArgs,
  buildShapedMatteArgs,
  intermediateKey,
  INTERMEDIATES_VERSION,
  MOVED_PLATE_ENCODE,
} from './intermediates';
