import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@shotmatrix/auth';
import {
  bulkDecisionSchema,
  commentSchema,
  decisionSchema,
  type CommentThreadView,
  type CommentView,
  type VariantVersionView,
  type VariantView,
} from '@shotmatrix/contracts';
import { Access, CurrentUser } from '../auth/access.decorator';
import { CampaignsService } from '../campaigns/campaigns.service';
import { ReviewsService } from './reviews.service';

@ApiTags('review')
@Controller()
export class ReviewsController {
  constructor(
    private readonly reviews: ReviewsService,
    private readonly campaigns: CampaignsService,
  ) {}

  @Post('variants/:id/decision')
  @Access('variant:decide')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approve or reject a variant (brand managers: their markets only). Send the latest decision id you saw as basedOn; a rejection needs a comment',
  })
  @ApiBody({ schema: z.toJSONSchema(decisionSchema, { io: 'input' }) as object })
  decide(@Param('id') id: string, @Body() body: unknown, @CurrentUser() who: Principal): Promise<VariantView> {
    return this.reviews.decide(id, body, who);
  }

  @Post('campaigns/:id/decisions')
  @Access('variant:decide')
  @HttpCode(200)
  @ApiOperation({ summary: 'Approve many variants at once: all or none (403 if one is outside your markets, 409 if one was decided meanwhile)' })
  @ApiBody({ schema: z.toJSONSchema(bulkDecisionSchema, { io: 'input' }) as object })
  async decideMany(@Param('id') id: string, @Body() body: unknown, @CurrentUser() who: Principal) {
    await this.campaigns.require(id);
    return this.reviews.decideMany(id, body, who);
  }

  @Get('variants/:id/comments')
  @Access('campaign:read')
  @ApiOperation({ summary: 'Comment threads on a variant, each pinned to a frame (and maybe a region) of a version' })
  comments(@Param('id') id: string): Promise<CommentThreadView[]> {
    return this.reviews.comments(id);
  }

  @Post('variants/:id/comments')
  @Access('variant:comment')
  @ApiOperation({ summary: 'Comment on a frame of the current version, or reply to a thread (parentId)' })
  @ApiBody({ schema: z.toJSONSchema(commentSchema, { io: 'input' }) as object })
  comment(@Param('id') id: string, @Body() body: unknown, @CurrentUser() who: Principal): Promise<CommentView> {
    return this.reviews.addComment(id, body, who);
  }

  @Post('comments/:id/resolve')
  @Access('variant:comment')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark a comment resolved' })
  resolve(@Param('id') id: string, @CurrentUser() who: Principal): Promise<CommentView> {
    return this.reviews.resolveComment(id, true, who);
  }

  @Post('comments/:id/reopen')
  @Access('variant:comment')
  @HttpCode(200)
  @ApiOperation({ summary: 'Open a resolved comment again' })
  reopen(@Param('id') id: string, @CurrentUser() who: Principal): Promise<CommentView> {
    return this.reviews.resolveComment(id, false, who);
  }

  @Get('variants/:id/versions')
  @Access('campaign:read')
  @ApiOperation({ summary: 'Every version (render) the variant has had, with its outputs, QC and the decisions taken on it' })
  versions(@Param('id') id: string): Promise<VariantVersionView[]> {
    return this.reviews.versions(id);
  }
}
