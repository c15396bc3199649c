import { Body, Controller, Get, Header, HttpCode, Param, ParseUUIDPipe, Post, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiConsumes, ApiForbiddenResponse, ApiCreatedResponse, ApiExtraModels, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags, ApiUnauthorizedResponse, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentIssuer, IssuerGuard, type IssuerPrincipal } from '../auth/issuer.guard.js';
import { OAuthErrorDto, OfferCredentialsDto, OfferRequestDto, OfferResponseDto } from './dto/oid4vci.dto.js';
import { OAuthErrorFilter } from './oauth-error.filter.js';
import { Oid4vciService, type WalletAnswer, type WalletRequest } from './oid4vci.service.js';

const OBJECT = { schema: { type: 'object', additionalProperties: true } };
const oauthError = (status: number, description: string) => ({ status, description, content: { 'application/json': { schema: { $ref: getSchemaPath(OAuthErrorDto) } } } });
const TENANT = new ParseUUIDPipe({ version: '4' });

function answer(reply: FastifyReply, result: WalletAnswer): unknown {
  void reply.status(result.status).headers(result.headers);
  return result.body;
}

@ApiTags('wallets')
@ApiExtraModels(OAuthErrorDto)
@Controller()
@UseFilters(OAuthErrorFilter)
export class Oid4vciController {
  constructor(private readonly service: Oid4vciService) {}

  @Post('oid4vci/offers')
  @HttpCode(201)
  @UseGuards(IssuerGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'OpenID4VCI: offer a credential to a wallet (pre-authorized code flow); the body is that of POST /credentials/issue, the claims stay in this region until the wallet redeems the offer or it expires.' })
  @ApiCreatedResponse({ type: OfferResponseDto })
  @ApiBadRequestResponse({ description: 'problem+json naming the invalid fields' })
  @ApiUnauthorizedResponse({ description: 'problem+json: no or unknown issuer API key' })
  @ApiForbiddenResponse({ description: 'problem+json: the issuer DID belongs to another tenant' })
  @ApiConflictResponse({ description: 'problem+json: the issuer DID is deactivated, or lists no assertion key this region holds' })
  createOffer(@CurrentIssuer() issuer: IssuerPrincipal, @Body() body: OfferRequestDto): Promise<OfferResponseDto> {
    return this.service.createOffer(issuer, body);
  }

  @Get('oid4vci/offers/:id')
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'OpenID4VCI: the credential offer object behind credential_offer_uri.' })
  @ApiOkResponse({ description: 'the credential offer (OpenID4VCI §4.1.1)', content: { 'application/json': OBJECT } })
  @ApiNotFoundResponse({ description: 'problem+json: no such offer, or it expired or was used' })
  offer(@Param('id') id: string): Promise<Record<string, unknown>> {
    return this.service.offerObject(id);
  }

  @Get('oid4vci/offers/:id/credentials')
  @UseGuards(IssuerGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'OpenID4VCI: the ids of the credentials a wallet received through one of your offers (none while it waits), to change their status with POST /credentials/status.' })
  @ApiOkResponse({ type: OfferCredentialsDto })
  @ApiUnauthorizedResponse({ description: 'problem+json: no or unknown issuer API key' })
  @ApiNotFoundResponse({ description: 'problem+json: no such offer of yours (unknown, another tenant’s, or expired unredeemed)' })
  offerCredentials(@CurrentIssuer() issuer: IssuerPrincipal, @Param('id') id: string): Promise<OfferCredentialsDto> {
    return this.service.offerCredentials(issuer, id);
  }

  @Get('oid4vci/offers/:id/qr.png')
  @Header('cache-control', 'no-store')
  @ApiProduces('image/png')
  @ApiOperation({ summary: 'OpenID4VCI: the offer as a QR code (PNG) to scan with a wallet.' })
  @ApiOkResponse({ description: 'a PNG image', content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } })
  @ApiNotFoundResponse({ description: 'problem+json: no such offer, or it expired or was used' })
  async qrPng(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const image = (await this.service.qrCode(id, 'png')) as Buffer;
    void reply.type('image/png');
    return image;
  }

  @Get('oid4vci/offers/:id/qr.svg')
  @Header('cache-control', 'no-store')
  @ApiProduces('image/svg+xml')
  @ApiOperation({ summary: 'OpenID4VCI: the offer as a QR code (SVG) to scan with a wallet.' })
  @ApiOkResponse({ description: 'an SVG image', content: { 'image/svg+xml': { schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ description: 'problem+json: no such offer, or it expired or was used' })
  async qrSvg(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const image = (await this.service.qrCode(id, 'svg')) as string;
    void reply.type('image/svg+xml');
    return image;
  }

  @Get('.well-known/openid-credential-issuer/oid4vci/issuers/:tenant')
  @ApiOperation({ summary: 'OpenID4VCI: credential issuer metadata of an issuer tenant (its identifier is <region URL>/oid4vci/issuers/<tenant id>).' })
  @ApiOkResponse({ description: 'credential issuer metadata (OpenID4VCI §12.2)', content: { 'application/json': OBJECT } })
  @ApiNotFoundResponse({ description: 'problem+json: no issuer tenant by that id here' })
  issuerMetadata(@Param('tenant') tenant: string): Promise<Record<string, unknown>> {
    return this.service.issuerMetadata(tenant);
  }

  @Get('.well-known/oauth-authorization-server/oid4vci/issuers/:tenant')
  @ApiOperation({ summary: 'OpenID4VCI: authorization server metadata (RFC 8414) of an issuer tenant.' })
  @ApiOkResponse({ description: 'authorization server metadata', content: { 'application/json': OBJECT } })
  @ApiNotFoundResponse({ description: 'problem+json: no issuer tenant by that id here' })
  authorizationServerMetadata(@Param('tenant') tenant: string): Promise<Record<string, unknown>> {
    return this.service.authorizationServerMetadata(tenant);
  }

  @Post('oid4vci/issuers/:tenant/token')
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiOperation({ summary: 'OAuth 2.0 token endpoint: a pre-authorized code (and tx_code) for an access token bound to the DPoP key (RFC 9449, ES256).' })
  @ApiOkResponse({ description: '{access_token, token_type: "DPoP", expires_in}; DPoP-Nonce header', content: { 'application/json': OBJECT } })
  @ApiResponse(oauthError(400, 'invalid_request, invalid_grant (unknown, used or expired code, wrong tx_code), unsupported_grant_type, invalid_dpop_proof, use_dpop_nonce (DPoP-Nonce header)'))
  @ApiNotFoundResponse({ description: 'problem+json: no issuer tenant by that id here' })
  async token(@Param('tenant', TENANT) tenant: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return answer(reply, await this.service.token(tenant, walletRequest(request)));
  }

  @Post('oid4vci/issuers/:tenant/nonce')
  @HttpCode(200)
  @ApiOperation({ summary: 'OpenID4VCI nonce endpoint: a fresh c_nonce for key proofs.' })
  @ApiOkResponse({ description: '{c_nonce, c_nonce_expires_in}', content: { 'application/json': OBJECT } })
  @ApiNotFoundResponse({ description: 'problem+json: no issuer tenant by that id here' })
  async nonce(@Param('tenant', TENANT) tenant: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return answer(reply, await this.service.nonce(tenant));
  }

  @Post('oid4vci/issuers/:tenant/credential')
  @ApiOperation({ summary: 'OpenID4VCI credential endpoint: one credential per key proof (proofs.jwt), each bound to its key (cnf.jwk); DPoP-bound access token.' })
  @ApiOkResponse({ description: '{credentials: [{credential}]}', content: { 'application/json': OBJECT } })
  @ApiResponse(oauthError(400, 'invalid_credential_request, unknown_credential_configuration, invalid_proof, invalid_nonce, credential_request_denied'))
  @ApiResponse(oauthError(401, 'invalid_token, invalid_dpop_proof, use_dpop_nonce (WWW-Authenticate: DPoP …, DPoP-Nonce header)'))
  @ApiNotFoundResponse({ description: 'problem+json: no issuer tenant by that id here' })
  async credential(@Param('tenant', TENANT) tenant: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<unknown> {
    return answer(reply, await this.service.credential(tenant, walletRequest(request)));
  }
}

function walletRequest(request: FastifyRequest): WalletRequest {
  return { headers: request.headers, body: request.body };
}
