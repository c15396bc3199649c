import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { TilesService } from './tiles.service.js';

/** Full tiles never change: a year, immutable. Checkpoints and partial tiles change with the log. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const SHORT = 'public, max-age=5';

@ApiTags('tlog-tiles')
@Controller('tlog')
export class TilesController {
  constructor(private readonly tiles: TilesService) {}

  @Get(':region/checkpoint')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: "C2SP tlog-tiles: the latest checkpoint this region holds of a log (signed note, with the cosignatures collected). Mutable: cached a few seconds." })
  @ApiOkResponse({ description: 'the signed note text', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'problem+json: unknown region or no checkpoint yet' })
  async checkpoint(@Param('region') region: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { note } = await this.tiles.checkpoint(region);
    void reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', SHORT);
    return note;
  }

  @Get(':region/tile/*')
  @ApiProduces('application/octet-stream')
  @ApiParam({ name: 'path', type: String, description: '<L>/<N>[.p/<W>] (a hash tile) or entries/<N>[.p/<W>] (an entry bundle); N in 3-digit groups, all but the last prefixed with x (1234067 = x001/x234/067)', example: '0/000.p/3' })
  @ApiOperation({ summary: 'C2SP tlog-tiles: a hash tile (256 hashes of 32 bytes when full) or an entry bundle (each entry behind a 2-byte big-endian length) of the tree of the latest checkpoint. Full ones are immutable.' })
  @ApiOkResponse({ description: 'the tile bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } })
  @ApiBadRequestResponse({ description: 'problem+json: not a tile path' })
  @ApiNotFoundResponse({ description: 'problem+json: unknown region, or a tile beyond the tree of the latest checkpoint' })
  async tile(@Param('region') region: string, @Param('*') path: string | string[], @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const { bytes, full } = await this.tiles.tile(region, Array.isArray(path) ? path.join('/') : path);
    void reply.header('content-type', 'application/octet-stream').header('cache-control', full ? IMMUTABLE : SHORT);
    return bytes;
  }
}
