import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { StatusListReader } from './status-list-reader.js';

@ApiTags('status')
@Controller()
export class StatusListController {
  constructor(private readonly reader: StatusListReader) {}

  @Get('status-lists/:id')
  @ApiOperation({ summary: "A status list, from this region's ledger copy: a BitstringStatusListCredential (vc+jwt) or a status list token (statuslist+jwt)." })
  @ApiProduces('application/vc+jwt', 'application/statuslist+jwt')
  @ApiOkResponse({ description: 'the signed list; ETag per version, Cache-Control from its ttl and validity; 304 on If-None-Match', schema: { type: 'string' } })
  @ApiResponse({ status: 304, description: 'not modified: If-None-Match names the current version (or *); no body' })
  @ApiNotFoundResponse({ description: 'problem+json: no such list in this region' })
  async serve(@Param('id') id: string, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const list = await this.reader.latest(id);
    void reply.header('etag', list.etag).header('cache-control', `public, max-age=${list.maxAgeSeconds}`).header('content-type', `application/${list.format}`);
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === list.etag || tag.trim() === '*')) {
      void reply.status(304);
      return '';
    }
    return list.token;
  }
}
