export { templateHash, type LabelTemplate, type LayoutName, type TemplateField, type TemplateLayout } from './label-template';
export { TemplateRegistry } from './template-registry';
export { orientationOf, selectLayout } from './select-layout';
export {
  assertSelfContained,
  checkFields,
  rasterise,
  rasteriseRgba,
  renderLabelPng,
  renderSvg,
  type RasterImage,
  type TemplateFields,
} from './render-label';
export { type DrawnText } from './skia-text';
