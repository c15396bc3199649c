import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { NotFoundError } from '../../domain/errors.js';
import { AdminGuard } from '../auth/admin.guard.js';
import { ClearedAlarmDto, LedgerStatusDto } from './dto/status.dto.js';
import { ReplicationStatusService, toAlarmDto } from './replication-status.service.js';
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

  @Post('alarms/:id/clear')
  @HttpCode(200)
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Clear a ledger alarm once its cause is dealt with (region admin; docs/operations.md). The evidence stays; replication of the log resumes when no blocking alarm of it remains.' })
  @ApiOkResponse({ type: ClearedAlarmDto })
  @ApiUnauthorizedResponse({ description: 'problem+json: missing or wrong admin token' })
  @ApiNotFoundResponse({ description: 'problem+json: no open alarm with this id' })
  async clearAlarm(@Param('id', ParseIntPipe) id: number): Promise<ClearedAlarmDto> {
    const cleared = await this.replication.clearAlarm(id);
    return { ...toAlarmDto(cleared), clearedAt: cleared.clearedAt! };
  }

  @Post(':region/hint')
  @HttpCode(202)
  @ApiOperation({ summary: 'A region says its log grew: this region pulls it soon. Carries no data and needs no credentials: anything fetched is verified, hints are coalesced (one pull running, one pending) and ignored while the last pull of the log failed.' })
  @ApiAcceptedResponse({ description: 'a pull is scheduled' })
  hint(@Param('region') region: string): { scheduled: true } {
    if (!this.replication.trigger(region)) throw new NotFoundError(`region "${region}" is not a peer of this region`);
    return { scheduled: true };
  }
}
