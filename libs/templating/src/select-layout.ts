import { DomainError } from '@shotmatrix/domain';
import type { LabelTemplate, LayoutName } from './label-template';

/**
 * The orientation of an output frame from its aspect ratio (width / height):
 * landscape above 1.2 (16:9), square from 0.85 to 1.2 (1:1), portrait below
 * 0.85 (9:16, and 4:5 at 0.8: a 4:5 frame is too narrow for a landscape label
 * at a readable size).
 */
export function orientationOf(aspect: number): LayoutName {
  if (!(Number.isFinite(aspect) && aspect > 0)) {
    throw new DomainError('INVALID_ASPECT', `an output frame's aspect ratio must be a positive number (got ${aspect})`, 'invalid');
  }
  if (aspect > 1.2) return 'landscape';
  return aspect >= 0.85 ? 'square' : 'portrait';
}

/**
 * The template laid out for a frame of the given aspect ratio (width /
 * height): same name, kind and fields, with the width, height and source of
 * the template's layout for that orientation, or of its base (landscape)
 * layout when it has none; `layout` names the one used. Pure: the registry
 * has already read every layout.
 */
export function selectLayout(template: LabelTemplate, aspect: number): LabelTemplate & { layout: LayoutName } {
  const wanted = orientationOf(aspect);
  const layouts = template.layouts;
  if (!layouts?.landscape) return { ...template, layout: template.layout ?? 'landscape' };
  const own = layouts[wanted];
  const { width, height, source } = own ?? layouts.landscape;
  return { ...template, width, height, source, layout: own ? wanted : 'landscape' };
}
