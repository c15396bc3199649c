import { Controller, Get, HttpCode } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthService } from './health.service.js';
import { HealthReport } from './health.dto.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get('live')
  @HttpCode(200)
  @ApiOperation({ summary: 'Liveness: the process answers HTTP.' })
  @ApiOkResponse({ type: HealthReport })
  live(): HealthReport {
    return { status: 'ok', region: this.health.regionId, checks: {} };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: database reachable, genesis and region keys loaded.' })
  @ApiOkResponse({ type: HealthReport })
  @ApiServiceUnavailableResponse({ description: 'problem+json naming the failed check' })
  ready(): Promise<HealthReport> {
    return this.health.ready();
  }
}
