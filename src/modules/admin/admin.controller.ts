import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AdminGuard } from '../auth/admin.guard.js';
import { AdminService } from './admin.service.js';
import { CreateIssuerDto } from './dto/create-issuer.dto.js';
import { IssuerCreatedDto } from './dto/issuer-created.dto.js';

@ApiTags('admin')
@ApiBearerAuth()
@UseGuards(AdminGuard)
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Post('issuers')
  @HttpCode(201)
  @ApiOperation({ summary: 'Register an issuer tenant (region admin). Returns its API key once.' })
  @ApiCreatedResponse({ type: IssuerCreatedDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiUnauthorizedResponse({ description: 'problem+json: missing or wrong admin token' })
  createIssuer(@Body() body: CreateIssuerDto): Promise<IssuerCreatedDto> {
    return this.admin.createIssuer(body.name);
  }
}
