import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataIntegrityStatusLists } from './data-integrity-status-lists.js';
import { StatusListReader } from './status-list-reader.js';

/** Whether an Accept header asks for the JSON (Data Integrity) form: application/vc or application/vc+ld+json. */
const wantsJson = (accept: string | undefined): boolean => (accept ?? '').split(',').some((range) => ['application/vc', 'application/vc+ld+json'].includes(range.split(';')[0]!.trim().toLowerCase()));

@ApiTags('status')
@Controller()
export class StatusListController {
  constructor(
    private readonly reader: StatusListReader,
    private readonly dataIntegrity: DataIntegrityStatusLists,
  ) {}

  @Get('status-lists/:id')
  @ApiOperation({
    summary: "A status list, from this region's ledger copy: a BitstringStatusListCredential (vc+jwt) or a status list token (statuslist+jwt).",
    description: 'Accept: application/vc asks for the BitstringStatusListCredential secured with Data Integrity (eddsa-rdfc-2022), which the region that publishes the list serves; elsewhere, and for token lists, the JWT is served (docs/status.md).',
  })
  @ApiProduces('application/vc+jwt', 'application/statuslist+jwt', 'application/vc')
  @ApiOkResponse({ description: 'the signed list; ETag per version, Cache-Control from its ttl and validity; 304 on If-None-Match', schema: { type: 'string' } })
  @ApiResponse({ status: 304, description: 'not modified: If-None-Match names the current version (or *); no body' })
  @ApiNotFoundResponse({ description: 'problem+json: no such list in this region' })
  async serve(@Param('id') id: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const jwt = await this.reader.latest(id);
    const di = wantsJson(accept) ? await this.dataIntegrity.latest(id) : undefined;
    const list = di ? { etag: di.etag, maxAgeSeconds: di.maxAgeSeconds, format: 'vc', token: JSON.stringify(di.document) } : jwt;
    void reply.header('etag', list.etag).header('cache-control', `public, max-age=${list.maxAgeSeconds}`).header('content-type', `application/${list.format}`).header('vary', 'Accept');
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === list.etag || tag.trim() === '*')) {
      void reply.status(304);
      return '';
    }
    return list.token;
  }
}
