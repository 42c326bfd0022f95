export { type LabelTemplate, type TemplateField } from './label-template';
export { TemplateRegistry } from './template-registry';
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
export { fitFontSize } from './text-fit';
