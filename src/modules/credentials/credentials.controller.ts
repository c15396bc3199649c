import { Body, Controller, HttpCode, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiExtraModels, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiResponse, ApiTags, ApiUnauthorizedResponse, ApiUnprocessableEntityResponse, getSchemaPath } from '@nestjs/swagger';
import { problemContent } from '../../common/openapi.js';
import type { FastifyReply } from 'fastify';
import { CurrentIssuer, IssuerGuard, type IssuerPrincipal } from '../auth/issuer.guard.js';
import { IssueRequestDto, IssueResponseDto, VerificationResultDto, VerifyOptionsDto, VerifyPresentationRequestDto, VerifyRequestDto } from './dto/credentials.dto.js';
import { UpdateStatusRequestDto, UpdateStatusResponseDto } from '../status/dto/status.dto.js';
import { CredentialStatusService } from './credential-status.service.js';
import { IssuanceService } from './issuance.service.js';
import { VerificationService } from './verification.service.js';

@ApiTags('credentials')
@ApiExtraModels(VerifyOptionsDto)
@Controller()
export class CredentialsController {
  constructor(
    private readonly issuance: IssuanceService,
    private readonly verification: VerificationService,
    private readonly status: CredentialStatusService,
  ) {}

  @Post('credentials/issue')
  @HttpCode(201)
  @UseGuards(IssuerGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'W3C VC API: issue a credential with a DID this issuer created here.' })
  @ApiCreatedResponse({ type: IssueResponseDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiUnauthorizedResponse({ description: 'problem+json: no or unknown issuer API key' })
  @ApiForbiddenResponse({ description: 'problem+json: the issuer DID belongs to another tenant' })
  @ApiConflictResponse({ description: 'problem+json: the issuer DID is deactivated, or lists no assertion key this region holds' })
  @ApiUnprocessableEntityResponse({ description: "problem+json: the credential breaks this region's policy (protected claims) or its type's JSON Schema; errors name the fields" })
  issue(@CurrentIssuer() issuer: IssuerPrincipal, @Body() body: IssueRequestDto): Promise<IssueResponseDto> {
    return this.issuance.issue(issuer, body);
  }

  @Post('credentials/status')
  @HttpCode(200)
  @UseGuards(IssuerGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'W3C VC API: revoke, suspend or reactivate a credential your tenant issued here; the list is re-signed and appended to the ledger before the answer.' })
  @ApiOkResponse({ type: UpdateStatusResponseDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiUnauthorizedResponse({ description: 'problem+json: no or unknown issuer API key' })
  @ApiNotFoundResponse({ description: 'problem+json: no such credential of your tenant (also for other tenants’ credentials)' })
  @ApiConflictResponse({ description: 'problem+json: revoked is final, or the credential has no entry for that purpose' })
  updateStatus(@CurrentIssuer() issuer: IssuerPrincipal, @Body() body: UpdateStatusRequestDto): Promise<UpdateStatusResponseDto> {
    return this.status.update(issuer, body);
  }

  @Post('credentials/verify')
  @ApiOperation({
    summary: "W3C VC API: verify a credential from this region's own ledger copy; lists every check.",
    description: 'An SD-JWT with a key-binding JWT is a presentation: options.challenge and options.domain (or options.allowReplay) apply as on POST /presentations/verify.',
  })
  @ApiOkResponse({ type: VerificationResultDto, description: 'verified' })
  @ApiResponse({ status: 400, description: 'not verified: the same shape, with the failed checks in errors; problem+json for a malformed request', content: { 'application/json': { schema: { $ref: getSchemaPath(VerificationResultDto) } }, ...problemContent } })
  async verify(@Body() body: VerifyRequestDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<VerificationResultDto> {
    const result = await this.verification.verify(body.verifiableCredential, body.options ?? undefined);
    void reply.status(result.verified ? 200 : 400);
    return result;
  }

  @Post('presentations/verify')
  @ApiOperation({
    summary: 'W3C VC API: verify an SD-JWT presentation with key binding or a VP JWT (options.challenge = nonce, options.domain = audience).',
    description: 'The presenter must be the subject of every credential, or hold its cnf key. Without options.challenge and options.domain (or made more than 5 minutes ago) a presentation fails check freshness, unless options.allowReplay waives it (then a warning).',
  })
  @ApiOkResponse({ type: VerificationResultDto, description: 'verified: the disclosed content' })
  @ApiBadRequestResponse({ type: VerificationResultDto, description: 'not verified: the failed checks in errors' })
  async verifyPresentation(@Body() body: VerifyPresentationRequestDto, @Res({ passthrough: true }) reply: FastifyReply): Promise<VerificationResultDto> {
    const result = await this.verification.verify(body.verifiablePresentation, { ...(body.options ?? {}), requireHolderBinding: true });
    void reply.status(result.verified ? 200 : 400);
    return result;
  }
}
