import { Body, Controller, HttpCode, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiConflictResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentIssuer, IssuerGuard, type IssuerPrincipal } from '../auth/issuer.guard.js';
import { CreateDidRequestDto, CreateQueryDto, DeactivateDidRequestDto, UpdateDidRequestDto } from './dto/registrar.dto.js';
import { RegistrationResultDto } from './dto/registry.dto.js';
import { RegistrarService } from './registrar.service.js';

@ApiTags('registrar')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ description: 'problem+json: no or unknown issuer API key' })
@UseGuards(IssuerGuard)
@Controller('1.0')
export class RegistrarController {
  constructor(private readonly registrar: RegistrarService) {}

  @Post('create')
  @HttpCode(201)
  @ApiOperation({ summary: 'DIF Universal Registrar: create a did:isthmus DID; the region keeps its keys.' })
  @ApiCreatedResponse({ type: RegistrationResultDto })
  create(@CurrentIssuer() issuer: IssuerPrincipal, @Query() _query: CreateQueryDto, @Body() body: CreateDidRequestDto): Promise<RegistrationResultDto> {
    return this.registrar.create(issuer, body);
  }

  @Post('update')
  @HttpCode(200)
  @ApiOperation({ summary: 'DIF Universal Registrar: update a DID this issuer created (set, add to or remove from its document).' })
  @ApiOkResponse({ type: RegistrationResultDto })
  @ApiForbiddenResponse({ description: 'problem+json: the DID belongs to another issuer' })
  @ApiNotFoundResponse({ description: "problem+json: not a DID this region's registrar manages" })
  @ApiConflictResponse({ description: 'problem+json: the DID is deactivated (final), or has no key this region holds' })
  update(@CurrentIssuer() issuer: IssuerPrincipal, @Body() body: UpdateDidRequestDto): Promise<RegistrationResultDto> {
    return this.registrar.update(issuer, body);
  }

  @Post('deactivate')
  @HttpCode(200)
  @ApiOperation({ summary: 'DIF Universal Registrar: deactivate a DID this issuer created. Final.' })
  @ApiOkResponse({ type: RegistrationResultDto })
  @ApiForbiddenResponse({ description: 'problem+json: the DID belongs to another issuer' })
  @ApiNotFoundResponse({ description: "problem+json: not a DID this region's registrar manages" })
  @ApiConflictResponse({ description: 'problem+json: the DID is deactivated (final), or has no key this region holds' })
  deactivate(@CurrentIssuer() issuer: IssuerPrincipal, @Body() body: DeactivateDidRequestDto): Promise<RegistrationResultDto> {
    return this.registrar.deactivate(issuer, body);
  }
}
