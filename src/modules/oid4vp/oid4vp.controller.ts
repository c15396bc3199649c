import { Body, Controller, Get, Header, HttpCode, Param, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConsumes, ApiCreatedResponse, ApiForbiddenResponse, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags, getSchemaPath, ApiExtraModels } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { problemContent } from '../../common/openapi.js';
import { CurrentIssuer, IssuerGuard, type IssuerPrincipal } from '../auth/issuer.guard.js';
// One OAuth error schema for both wallet protocols (RFC 6749 section 5.2): two classes of one name made the OpenAPI document keep only one.
import { OAuthErrorDto } from '../oid4vci/dto/oid4vci.dto.js';
import { CreatePresentationRequestDto, CreatePresentationResponseDto, PresentationRequestStateDto } from './oid4vp.dto.js';
import { Oid4vpService } from './oid4vp.service.js';
import { WalletErrorFilter } from './wallet-error.filter.js';

/** An OAuth error answer; framework refusals before the route runs (a body that is not JSON or a form) stay problem+json. */
const oauthError = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: getSchemaPath(OAuthErrorDto) } }, ...problemContent } });

/** What relying parties call: create a presentation request, read its result, show its QR code. */
@ApiTags('oid4vp')
@Controller('oid4vp/requests')
export class Oid4vpController {
  constructor(private readonly oid4vp: Oid4vpService) {}

  @Post()
  @HttpCode(201)
  @UseGuards(IssuerGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'OpenID4VP 1.0: create a presentation request (DCQL) for a wallet; answers the openid4vp:// URI and QR code URLs.' })
  @ApiCreatedResponse({ type: CreatePresentationResponseDto })
  @ApiBadRequestResponse({ description: 'problem+json: invalid fields, or a DCQL query this verifier cannot evaluate (named in errors)' })
  @ApiForbiddenResponse({ description: 'problem+json: clientDid belongs to another tenant' })
  @ApiNotFoundResponse({ description: 'problem+json: clientDid is not a DID this registrar manages' })
  @ApiConflictResponse({ description: 'problem+json: clientDid is deactivated, or lists no assertion key this region holds' })
  create(@CurrentIssuer() issuer: IssuerPrincipal, @Body() body: CreatePresentationRequestDto): Promise<CreatePresentationResponseDto> {
    return this.oid4vp.create(issuer, body);
  }

  @Get(':id')
  @UseGuards(IssuerGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'OpenID4VP 1.0: the state of your presentation request (pending, completed, failed) and its result: the disclosed claims your jurisdiction lets you receive.' })
  @ApiOkResponse({ type: PresentationRequestStateDto })
  @ApiNotFoundResponse({ description: 'problem+json: no such request of your tenant (also for other tenants’ requests)' })
  read(@CurrentIssuer() issuer: IssuerPrincipal, @Param('id') id: string): Promise<PresentationRequestStateDto> {
    return this.oid4vp.read(issuer, id);
  }

  @Get(':id/qr.png')
  @ApiProduces('image/png')
  @ApiOperation({ summary: 'The authorization request as a QR code (PNG), for the relying party’s page.' })
  @ApiOkResponse({ description: 'image/png', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'problem+json: no such request' })
  async qrPng(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const png = await this.oid4vp.qrCode(id, 'png');
    void reply.header('content-type', 'image/png');
    return png as Buffer;
  }

  @Get(':id/qr.svg')
  @ApiProduces('image/svg+xml')
  @ApiOperation({ summary: 'The authorization request as a QR code (SVG).' })
  @ApiOkResponse({ description: 'image/svg+xml', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'problem+json: no such request' })
  async qrSvg(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const svg = await this.oid4vp.qrCode(id, 'svg');
    void reply.header('content-type', 'image/svg+xml');
    return svg as string;
  }
}

/** What wallets call: the request object (once) and the response endpoint. Errors are OAuth JSON. */
@ApiTags('oid4vp')
@ApiExtraModels(OAuthErrorDto)
@UseFilters(WalletErrorFilter)
@Controller('oid4vp/requests')
export class Oid4vpWalletController {
  constructor(private readonly oid4vp: Oid4vpService) {}

  @Get(':id/request')
  @Header('cache-control', 'no-store')
  @ApiProduces('application/oauth-authz-req+jwt')
  @ApiOperation({ summary: 'OpenID4VP 1.0 request_uri: the signed request object (oauth-authz-req+jwt), handed out once.' })
  @ApiOkResponse({ description: 'the request object', content: { 'application/oauth-authz-req+jwt': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 400, ...oauthError('invalid_request_uri: already fetched (single use) or expired') })
  @ApiResponse({ status: 404, ...oauthError('invalid_request_uri: no such request') })
  async requestObject(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const jwt = await this.oid4vp.requestObject(id);
    void reply.header('content-type', 'application/oauth-authz-req+jwt');
    return jwt;
  }

  @Post(':id/response')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'OpenID4VP 1.0 response_uri: the wallet posts vp_token and state (direct_post), response (direct_post.jwt), or error (access_denied, …).' })
  @ApiOkResponse({ description: 'accepted (the relying party reads the result)', content: { 'application/json': { schema: { type: 'object' } } } })
  @ApiResponse({ status: 400, ...oauthError('invalid_request (malformed, wrong state, already answered, expired, not verified, DCQL not satisfied), vp_formats_not_supported') })
  @ApiResponse({ status: 404, ...oauthError('invalid_request: no such request') })
  respond(@Param('id') id: string, @Body() body: unknown): Promise<Record<string, never>> {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    return this.oid4vp.respond(id, fields);
  }
}
