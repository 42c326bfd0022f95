import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, type ApiBodyOptions, ApiConsumes, ApiHeader, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { parseCampaignFile, parseCopyDeckCsv, serializeCampaignFile } from '@shotmatrix/campaign-files';
import {
  createCampaignSchema,
  matrixSchema,
  type CampaignFile,
  type CampaignSummaryView,
  type CampaignView,
  type ExpandResponse,
  type LutView,
  type PlateView,
} from '@shotmatrix/contracts';
import { DomainError } from '@shotmatrix/domain';
import { parseBody } from '../common/zod-body';
import { parseIfMatch } from './campaign-version';
import { CampaignsService } from './campaigns.service';
import { ExpansionService } from './expansion.service';
import { MatrixService } from './matrix.service';
import { UploadsService } from './uploads.service';
import { Access } from '../auth/access.decorator';

const ifMatch = { name: 'If-Match', required: true, description: 'The campaign version the edit is based on, e.g. "3"' };
const idempotencyKey = { name: 'Idempotency-Key', required: false, description: 'Retries with the same key get the first response' };

const fileBody: ApiBodyOptions = {
  schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
};

/** The key's own rules (length, "..", …) are the S3 adapter's; here only the shape. */
const masterFromS3Schema = z
  .object({
    key: z.string().min(1, 'is empty'),
    bucket: z.string().min(1, 'is empty').optional(),
  })
  .strict();

/** The matrix part of a campaign file. */
function toMatrix(file: CampaignFile) {
  const { shotmatrix: _v, name: _n, ...matrix } = file;
  return matrixSchema.parse(matrix);
}

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly matrix: MatrixService,
    private readonly expansion: ExpansionService,
    private readonly uploads: UploadsService,
  ) {}

  @Get()
  @Access('campaign:read')
  @ApiOperation({ summary: 'List campaigns with their render progress' })
  list(): Promise<CampaignSummaryView[]> {
    return this.campaigns.list();
  }

  @Post()
  @Access('campaign:write')
  @ApiOperation({ summary: 'Create a campaign' })
  @ApiHeader(idempotencyKey)
  @ApiBody({ schema: z.toJSONSchema(createCampaignSchema) as object })
  async create(@Body() body: unknown): Promise<CampaignView> {
    return this.campaigns.view(await this.campaigns.create(parseBody(createCampaignSchema, body).name));
  }

  @Post('import')
  @Access('campaign:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a campaign from a campaign file (YAML or JSON); with dryRun=true only validate it' })
  @ApiHeader(idempotencyKey)
  @ApiConsumes('application/yaml', 'application/json')
  @ApiQuery({ name: 'dryRun', required: false, type: Boolean })
  async import(@Req() req: Request, @Query('dryRun') dryRun?: string): Promise<CampaignView | { ok: true; cells: number }> {
    const file = this.parseFile(req);
    const checked = await this.matrix.check(null, file);
    if (dryRun === 'true' || dryRun === '1') return { ok: true, cells: checked.cells.length };
    return this.campaigns.view(await this.campaigns.create(file.name, toMatrix(file), 'campaign.import'));
  }

  @Get(':id/file')
  @Access('campaign:read')
  @ApiOperation({ summary: 'Export the campaign as a file (YAML or JSON)' })
  @ApiQuery({ name: 'format', required: false, enum: ['yaml', 'json'] })
  async exportFile(@Param('id') id: string, @Query('format') format: string | undefined, @Res() res: Response): Promise<void> {
    const fmt = format ?? 'yaml';
    if (fmt !== 'yaml' && fmt !== 'json') throw new DomainError('FORMAT_UNKNOWN', `format must be "yaml" or "json", got "${fmt}"`);
    const campaign = await this.campaigns.require(id);
    if (!campaign.matrix) throw new DomainError('MATRIX_MISSING', 'the campaign has no matrix to export yet', 'conflict');
    const file: CampaignFile = { shotmatrix: 1, name: campaign.name, ...campaign.matrix };
    const slug = campaign.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'campaign';
    res.setHeader('Content-Type', fmt === 'yaml' ? 'application/yaml; charset=utf-8' : 'application/json; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="${slug}.${fmt}"`);
    res.setHeader('ETag', `"${campaign.version}"`);
    res.send(serializeCampaignFile(file, fmt));
  }

  @Put(':id/file')
  @Access('campaign:write')
  @ApiOperation({ summary: 'Replace the campaign name and matrix from a campaign file' })
  @ApiHeader(ifMatch)
  @ApiConsumes('application/yaml', 'application/json')
  async replaceFile(@Param('id') id: string, @Req() req: Request, @Headers('if-match') version?: string): Promise<CampaignView> {
    const expected = parseIfMatch(version);
    await this.campaigns.require(id);
    const file = this.parseFile(req);
    await this.matrix.save(id, toMatrix(file), expected, file.name);
    return this.campaigns.view(id);
  }

  @Post(':id/copy-deck')
  @Access('campaign:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Update market copy from a CSV copy deck (a "market" column plus one column per copy field)' })
  @ApiHeader(ifMatch)
  @ApiHeader(idempotencyKey)
  @ApiConsumes('text/csv')
  async copyDeck(@Param('id') id: string, @Req() req: Request, @Headers('if-match') version?: string): Promise<CampaignView> {
    const expected = parseIfMatch(version);
    const campaign = await this.campaigns.require(id);
    if (!campaign.matrix) throw new DomainError('MATRIX_MISSING', 'define the matrix before importing a copy deck', 'conflict');
    if (typeof req.body !== 'string') throw new DomainError('COPY_DECK_NOT_CSV', 'send the copy deck as text/csv');
    const parsed = parseCopyDeckCsv(req.body, campaign.matrix);
    if (!parsed.ok) throw new DomainError('VALIDATION_FAILED', parsed.problems[0], 'invalid', parsed.problems);
    await this.matrix.save(id, parsed.value, expected);
    return this.campaigns.view(id);
  }

  @Get(':id')
  @Access('campaign:read')
  @ApiOperation({ summary: 'A campaign with its master shot, plates, matrix and variants' })
  get(@Param('id') id: string): Promise<CampaignView> {
    return this.campaigns.view(id);
  }

  @Post(':id/master')
  @Access('campaign:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload the master shot (streamed multipart, field "file")' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(fileBody)
  async uploadMaster(@Param('id') id: string, @Req() req: Request): Promise<CampaignView> {
    await this.campaigns.require(id);
    await this.uploads.uploadMaster(id, req);
    return this.campaigns.view(id);
  }

  @Post(':id/master/from-s3')
  @Access('campaign:write')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Take the master shot from an object in the ingest S3 bucket (INGEST_S3_BUCKET), checked exactly like an upload',
  })
  @ApiHeader(idempotencyKey)
  @ApiBody({ schema: z.toJSONSchema(masterFromS3Schema) as object })
  async masterFromS3(@Param('id') id: string, @Body() body: unknown): Promise<CampaignView> {
    const input = parseBody(masterFromS3Schema, body);
    await this.campaigns.require(id);
    await this.uploads.ingestMasterFromS3(id, input);
    return this.campaigns.view(id);
  }

  @Post(':id/plates')
  @Access('campaign:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload a background plate image (JPEG, PNG or WebP; multipart field "file")' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(fileBody)
  async uploadPlate(@Param('id') id: string, @Req() req: Request): Promise<PlateView> {
    await this.campaigns.require(id);
    return this.uploads.uploadPlate(id, req);
  }

  @Post(':id/luts')
  @Access('campaign:write')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload a market grade: a 3D LUT (.cube) under ?name=, the name markets use in "lut" (multipart field "file")' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(fileBody)
  async uploadLut(@Param('id') id: string, @Query('name') name: string | undefined, @Req() req: Request): Promise<LutView> {
    await this.campaigns.require(id);
    return this.uploads.uploadLut(id, name ?? '', req);
  }

  @Put(':id/matrix')
  @Access('campaign:write')
  @ApiOperation({ summary: 'Define the matrix: markets × labels × backgrounds × aspects × your own dimensions' })
  @ApiHeader(ifMatch)
  @ApiBody({ schema: z.toJSONSchema(matrixSchema, { io: 'input' }) as object })
  async saveMatrix(@Param('id') id: string, @Body() body: unknown, @Headers('if-match') version?: string): Promise<CampaignView> {
    const expected = parseIfMatch(version);
    await this.campaigns.require(id);
    await this.matrix.save(id, body, expected);
    return this.campaigns.view(id);
  }

  @Post(':id/expand')
  @Access('campaign:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create one variant per matrix cell and queue the renders that are new or changed' })
  @ApiHeader(idempotencyKey)
  async expand(@Param('id') id: string): Promise<ExpandResponse> {
    await this.campaigns.require(id);
    const expansion = await this.expansion.expand(id);
    return { ...(await this.campaigns.view(id)), expansion };
  }

  private parseFile(req: Request): CampaignFile {
    const type = req.headers['content-type'] ?? '';
    let text: string;
    if (typeof req.body === 'string') text = req.body;
    else if (type.startsWith('application/json') && req.body && typeof req.body === 'object') text = JSON.stringify(req.body);
    else throw new DomainError('CAMPAIGN_FILE_MISSING', 'send the campaign file as application/yaml or application/json');
    const parsed = parseCampaignFile(text, type.includes('json') ? 'json' : type.includes('yaml') ? 'yaml' : 'auto');
    if (!parsed.ok) throw new DomainError('VALIDATION_FAILED', parsed.problems[0], 'invalid', parsed.problems);
    return parsed.value;
  }
}
