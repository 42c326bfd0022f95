import { Body, Controller, Get, Headers, Param, ParseIntPipe, Put, Query, Res } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { keyframesBodySchema, type KeyframesView, type MasterShotView } from '@shotmatrix/contracts';
import { DomainError } from '@shotmatrix/domain';
import { MastersService } from './masters.service';
import { Access } from '../auth/access.decorator';

@ApiTags('master shot')
@Controller('campaigns/:id/master')
export class MastersController {
  constructor(private readonly masters: MastersService) {}

  @Get()
  @Access('campaign:read')
  @ApiOperation({ summary: 'The master shot with its analysis (stage, progress, matting, camera motion, plane tracks)' })
  async view(@Param('id') id: string): Promise<MasterShotView> {
    return this.masters.view(await this.masters.current(id));
  }

  @Get('keyframes')
  @Access('campaign:read')
  @ApiOperation({ summary: 'Pinned frames: lock, label-quad, mark' })
  keyframes(@Param('id') id: string): Promise<KeyframesView> {
    return this.masters.keyframes(id);
  }

  @Put('keyframes')
  @Access('campaign:write')
  @ApiOperation({ summary: 'Replace the keyframes; only label planes whose quads changed are tracked again' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The keyframes version the edit is based on, e.g. "3"' })
  @ApiBody({ schema: z.toJSONSchema(keyframesBodySchema) as object })
  putKeyframes(@Param('id') id: string, @Headers('if-match') ifMatch: string | undefined, @Body() body: unknown) {
    return this.masters.putKeyframes(id, ifMatch, body);
  }

  @Get('frames/:n')
  @Access('campaign:read')
  @ApiOperation({ summary: 'Exactly frame n of the master (JPEG) or of its matte (grey PNG)' })
  @ApiQuery({ name: 'layer', required: false, enum: ['frame', 'matte'] })
  @ApiQuery({ name: 'width', required: false, description: 'Scale down to at most this width' })
  async frame(
    @Param('id') id: string,
    @Param('n', ParseIntPipe) n: number,
    @Query('layer') layer: string | undefined,
    @Query('width') width: string | undefined,
    @Res() res: Response,
  ): Promise<void> {
    const l = layer ?? 'frame';
    if (l !== 'frame' && l !== 'matte') throw new DomainError('VALIDATION_FAILED', `layer must be "frame" or "matte", got "${l}"`);
    const w = width === undefined ? undefined : Number(width);
    if (w !== undefined && !(Number.isInteger(w) && w >= 16 && w <= 4096)) {
      throw new DomainError('VALIDATION_FAILED', `width must be a whole number of pixels between 16 and 4096, got "${width}"`);
    }
    const img = await this.masters.frame(id, n, l, w);
    // Analysis outputs are immutable for this master and analyser version.
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.type(img.contentType).send(img.body);
  }
}
