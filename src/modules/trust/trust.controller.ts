import { Body, Controller, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam, ApiQuery, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { NotFoundError } from '../../domain/errors.js';
import { AdminGuard } from '../auth/admin.guard.js';
import { AccreditIssuerDto, IssuerAccreditationsDto, TrustEntryResultDto, TrustListDto, WithdrawAccreditationDto } from './dto/trust.dto.js';
import { TrustService } from './trust.service.js';

@ApiTags('jurisdiction')
@Controller('trust')
export class TrustController {
  constructor(private readonly trust: TrustService) {}

  @Post('issuers')
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "Accredit an issuer for credential types (region governance): an entry signed with the region's governance key, appended to its log and replicated." })
  @ApiCreatedResponse({ type: TrustEntryResultDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiUnauthorizedResponse({ description: 'problem+json: missing or wrong admin token' })
  @ApiConflictResponse({ description: 'problem+json: the issuer DID is deactivated' })
  accredit(@Body() body: AccreditIssuerDto): Promise<TrustEntryResultDto> {
    return this.trust.accredit(body);
  }

  @Post('withdrawals')
  @HttpCode(201)
  @UseGuards(AdminGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Withdraw an accreditation of this region (region governance): a later signed entry.' })
  @ApiCreatedResponse({ type: TrustEntryResultDto })
  @ApiNotFoundResponse({ description: 'problem+json: no current accreditation of this region with that id' })
  withdraw(@Body() body: WithdrawAccreditationDto): Promise<TrustEntryResultDto> {
    return this.trust.withdraw(body.accreditation);
  }

  @Get('issuers')
  @ApiOperation({ summary: "Every region's current accreditations, from this region's ledger copy." })
  @ApiQuery({ name: 'region', required: false, example: 'eu' })
  @ApiOkResponse({ type: TrustListDto })
  async list(@Query('region') region?: string): Promise<TrustListDto> {
    return { accreditations: await this.trust.view(region ? { region } : {}) };
  }

  @Get('issuers/:did')
  @ApiOperation({ summary: "An issuer's current accreditations, by every region (URL-encoded DIDs accepted)." })
  @ApiParam({ name: 'did', example: 'did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae' })
  @ApiOkResponse({ type: IssuerAccreditationsDto })
  @ApiNotFoundResponse({ description: 'problem+json: no region accredits this issuer' })
  async issuer(@Param('did') did: string): Promise<IssuerAccreditationsDto> {
    // The router has already percent-decoded the path parameter.
    const issuer = did;
    const accreditations = await this.trust.view({ issuer });
    if (accreditations.length === 0) throw new NotFoundError(`no region accredits ${issuer}`);
    return { issuer, accreditations };
  }
}
