import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../domain/errors.js';
import { LedgerStatusDto } from './dto/status.dto.js';
import { ReplicationStatusService } from './replication-status.service.js';
import { ReplicationService } from './replication.service.js';

@ApiTags('ledger')
@Controller('ledger')
export class ReplicationController {
  constructor(
    private readonly replication: ReplicationService,
    private readonly statusService: ReplicationStatusService,
  ) {}

  @Get('status')
  @ApiOperation({ summary: 'Per log: size, accepted and cosigned size, replication lag, last error, alarms.' })
  @ApiOkResponse({ type: LedgerStatusDto })
  status(): Promise<LedgerStatusDto> {
    return this.statusService.status();
  }

  @Post(':region/hint')
  @HttpCode(202)
  @ApiOperation({ summary: 'A region says its log grew: this region pulls it now. Carries no data; anything fetched is verified.' })
  @ApiAcceptedResponse({ description: 'a pull is scheduled' })
  hint(@Param('region') region: string): { scheduled: true } {
    if (!this.replication.trigger(region)) throw new NotFoundError(`region "${region}" is not a peer of this region`);
    return { scheduled: true };
  }
}
