import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { RegionPolicyDto } from './policy.dto.js';
import { PolicyService } from './policy.service.js';

@ApiTags('jurisdiction')
@Controller()
export class PolicyController {
  constructor(private readonly policies: PolicyService) {}

  @Get('policy')
  @ApiOperation({ summary: "This region's jurisdiction policy: protected claims, what relying parties here may receive from other regions' credentials, recognized accreditations, record retention." })
  @ApiOkResponse({ type: RegionPolicyDto })
  show(): RegionPolicyDto {
    return { region: this.policies.region, ...this.policies.policy };
  }
}
