import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DomainError } from '@shotmatrix/domain';
import { assertValidKey, type ObjectStore } from '@shotmatrix/storage';
import { OBJECT_STORE } from '../common/tokens';
import { parseRange } from './range';
import { SignedMedia } from '../auth/access.decorator';
import { mediaKeyOf } from '../auth/auth.guard';

const TYPES: Record<string, string> = { mp4: 'video/mp4', jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp', webm: 'video/webm', mov: 'video/quicktime' };

/**
 * Streams stored media with HTTP Range support so browsers can seek in
 * videos. Signed, short-lived URLs arrive with accounts and roles.
 */
@ApiTags('media')
@Controller('media')
export class MediaController {
  constructor(@Inject(OBJECT_STORE) private readonly store: ObjectStore) {}

  @Get('*key')
  @SignedMedia()
  @ApiOperation({ summary: 'Stream a stored object (Range requests supported)' })
  async get(@Req() req: Request, @Res() res: Response): Promise<void> {
    const key = mediaKeyOf(req);
    assertValidKey(key);
    const head = await this.store.head(key);
    if (!head) throw new DomainError('OBJECT_NOT_FOUND', `no media at ${key}`, 'not-found');
    const range = parseRange(req.headers.range, head.size);
    if (range === 'unsatisfiable') {
      res.status(416).setHeader('Content-Range', `bytes */${head.size}`).end();
      return;
    }
    const type = TYPES[key.split('.').pop() ?? ''] ?? head.contentType ?? 'application/octet-stream';
    res.setHeader('Content-Type', type);
    res.setHeader('Accept-Ranges', 'bytes');
    // Keys are content-addressed, so a key's bytes never change.
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    const { body } = await this.store.getStream(key, range ?? undefined);
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${head.size}`);
      res.setHeader('Content-Length', String(range.end - range.start + 1));
    } else {
      res.setHeader('Content-Length', String(head.size));
    }
    body.on('error', () => res.destroy());
    body.pipe(res);
  }
}
