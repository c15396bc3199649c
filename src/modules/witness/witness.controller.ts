import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiConsumes, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ProblemException, problemType } from '../../common/problem.js';
import { WitnessRefusal } from '../../domain/ledger/witness.js';
import { WitnessService } from './witness.service.js';

@ApiTags('tlog-witness')
@Controller()
export class WitnessController {
  constructor(private readonly witness: WitnessService) {}

  @Post('add-checkpoint')
  @HttpCode(200)
  @ApiConsumes('text/plain')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: "C2SP tlog-witness: cosign another region's checkpoint that extends the one this region cosigned before (body: old <size>, consistency proof lines, a blank line, the signed checkpoint)." })
  @ApiBody({ schema: { type: 'string', example: 'old 0\n\nisthmus/ap\n1\n…\n\n— isthmus/ap …\n' } })
  @ApiOkResponse({ description: "this region's cosignature line(s), each ending in a newline", content: { 'text/plain': { schema: { type: 'string' } } } })
  @ApiBadRequestResponse({ description: 'problem+json: not an add-checkpoint request, or the old size is above the checkpoint size' })
  @ApiForbiddenResponse({ description: "problem+json: no valid signature of the log's genesis key" })
  @ApiNotFoundResponse({ description: 'problem+json: not a log this region witnesses' })
  @ApiConflictResponse({ description: 'the old size is not the size this region cosigned last (or a fork at that size): that size, as text/x.tlog.size', content: { 'text/x.tlog.size': { schema: { type: 'string', example: '42\n' } } } })
  @ApiUnprocessableEntityResponse({ description: 'problem+json: the consistency proof does not verify' })
  async addCheckpoint(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (typeof body !== 'string') throw new WitnessRefusal(400, 'send the add-checkpoint request as text/plain');
    try {
      const lines = await this.witness.addCheckpoint(body);
      void reply.header('content-type', 'text/plain; charset=utf-8');
      return lines;
    } catch (error) {
      if (!(error instanceof WitnessRefusal)) throw error;
      if (error.status === 409) {
        void reply.status(409).header('content-type', 'text/x.tlog.size');
        return `${error.latestSize ?? 0}\n`;
      }
      if (error.status === 422) throw new ProblemException({ type: problemType('unprocessable-content'), title: 'Unprocessable Content', status: 422, detail: error.message });
      throw error;
    }
  }
}
