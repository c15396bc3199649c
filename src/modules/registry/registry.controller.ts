import { Body, Controller, Get, Headers, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiResponse, ApiServiceUnavailableResponse, ApiBadGatewayResponse, ApiTags } from '@nestjs/swagger';
import { problemContent } from '../../common/openapi.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemException, problemType } from '../../common/problem.js';
import { parseOperation } from '../../domain/did/index.js';
import { InvalidOperationError } from '../../domain/errors.js';
import { NetworkService } from '../network/network.service.js';
import { PeerClient, PeerUnavailableError } from '../replication/peer-client.js';
import { DidLogDto, RegistrationResultDto, ResolveQueryDto } from './dto/registry.dto.js';
import { DidLogService } from './did-log.service.js';
import { DID_JSON, DID_LD_JSON, DID_RESOLUTION, negotiate } from './negotiation.js';
import { RegistryService } from './registry.service.js';
import { ResolverService } from './resolver.service.js';
import { registrationResult } from './registration-result.js';

const ERROR_STATUS: Record<string, { status: number; title: string }> = {
  INVALID_DID: { status: 400, title: 'Invalid DID' },
  invalidDid: { status: 400, title: 'Invalid DID' },
  NOT_FOUND: { status: 404, title: 'DID not found' },
  notFound: { status: 404, title: 'DID not found' },
  METHOD_NOT_SUPPORTED: { status: 501, title: 'DID method not supported' },
  unsupportedDidMethod: { status: 501, title: 'DID method not supported' },
  REPRESENTATION_NOT_SUPPORTED: { status: 406, title: 'Representation not supported' },
  INTERNAL_ERROR: { status: 500, title: 'Resolution failed' },
};

/** A signed DID operation (docs/did-method.md section 4), as `parseOperation` checks it. */
const SIGNED_OPERATION_SCHEMA = {
  type: 'object',
  required: ['type', 'prev', 'home', 'rotationKeys', 'sig'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: ['create', 'update', 'deactivate'] },
    prev: { type: 'string', nullable: true, description: 'null for a create; else the base64url SHA-256 of the previous operation', example: null },
    home: { type: 'string', example: 'eu' },
    rotationKeys: { type: 'array', minItems: 1, items: { type: 'string', example: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK' } },
    document: { type: 'object', description: 'the whole DID document (create, update); absent for a deactivate', additionalProperties: true },
    sig: { type: 'string', description: 'Ed25519 or P-256 signature by a rotation key, unpadded base64url (86 characters)' },
  },
};

/** A W3C DID Resolution result carrying an error (`didResolutionMetadata.error`) or a deactivated DID's last document. */
const resolutionContent = (description: string) => ({
  description,
  content: {
    [DID_RESOLUTION]: {
      schema: {
        type: 'object',
        properties: {
          '@context': { type: 'string' },
          didDocument: { type: 'object', nullable: true, additionalProperties: true },
          didDocumentMetadata: { type: 'object', additionalProperties: true },
          didResolutionMetadata: { type: 'object', properties: { error: { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, detail: { type: 'string' } } } }, additionalProperties: true },
        },
      },
    },
  },
});

const CANONICAL: Record<string, string> = {
  invalidDid: 'INVALID_DID',
  notFound: 'NOT_FOUND',
  unsupportedDidMethod: 'METHOD_NOT_SUPPORTED',
};

@ApiTags('registry')
@Controller('1.0')
export class RegistryController {
  constructor(
    private readonly registry: RegistryService,
    private readonly resolver: ResolverService,
    private readonly didLog: DidLogService,
    private readonly network: NetworkService,
    private readonly peers: PeerClient,
  ) {}

  @Post('operations')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Submit a DID operation the client signed itself (docs/did-method.md).',
    description: 'The body is the signed operation. Updates and deactivations find their DID through `prev`.',
  })
  @ApiBody({ schema: SIGNED_OPERATION_SCHEMA })
  @ApiCreatedResponse({ type: RegistrationResultDto })
  @ApiResponse({ status: 400, description: 'problem+json: not a well-formed operation, a bad signature, or a prev naming no operation', content: problemContent })
  @ApiResponse({ status: 409, description: 'problem+json: the DID exists, prev is not the latest operation, or the DID is deactivated', content: problemContent })
  @ApiServiceUnavailableResponse({ description: "problem+json: the DID's home region is unreachable" })
  @ApiBadGatewayResponse({ description: "problem+json: the DID's home region answered with neither a success nor a refusal" })
  async submit(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RegistrationResultDto | string> {
    const operation = parseOperation(body);
    const home = this.registry.homeOf(operation);
    if (home !== this.network.self.id) {
      if (request.headers['x-isthmus-forwarded']) {
        throw new InvalidOperationError(`region ${home} forwarded an operation homed in ${home} back: refusing a second hop`);
      }
      const forwarded = await this.forward(home, body, String(request.id));
      void reply.status(forwarded.status).header('content-type', forwarded.contentType);
      return forwarded.body;
    }
    const submitted = await this.registry.submit(operation);
    const resolved = await this.resolver.resolve(submitted.did);
    return registrationResult(submitted, resolved);
  }

  @Get('identifiers/:did')
  @ApiOperation({ summary: 'DIF Universal Resolver: resolve did:isthmus, did:key and did:jwk.' })
  @ApiParam({ name: 'did', example: 'did:isthmus:b7ijv2kwqzsfxcmh3d5oq4ae' })
  @ApiProduces(DID_RESOLUTION, DID_JSON, DID_LD_JSON)
  @ApiOkResponse({ description: 'the DID resolution result, or the document alone for application/did+json' })
  @ApiResponse({ status: 400, description: 'INVALID_DID (a resolution result), or problem+json for invalid versionId/versionTime', content: { ...resolutionContent('').content, ...problemContent } })
  @ApiResponse({ status: 404, ...resolutionContent('NOT_FOUND: no such DID or version') })
  @ApiResponse({ status: 406, ...resolutionContent('REPRESENTATION_NOT_SUPPORTED: the Accept header allows none of the types') })
  @ApiResponse({ status: 410, ...resolutionContent('the DID is deactivated: its last document, didDocumentMetadata.deactivated true') })
  @ApiResponse({ status: 500, ...resolutionContent('INTERNAL_ERROR: the stored chain does not verify (no document is given)') })
  @ApiResponse({ status: 501, ...resolutionContent('METHOD_NOT_SUPPORTED: a method other than isthmus, key and jwk') })
  async resolve(
    @Param('did') did: string,
    @Query() query: ResolveQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const representation = negotiate(accept);
    if (!representation) {
      return this.resolutionError(reply, 'REPRESENTATION_NOT_SUPPORTED', `cannot answer in ${accept}; accept ${DID_RESOLUTION} or ${DID_JSON}`);
    }
    // Fastify has already percent-decoded the path parameter: decoding again would corrupt a DID with '%'.
    const result = await this.resolver.resolve(did, query);
    const error = result.didResolutionMetadata.error;
    if (error) return this.resolutionError(reply, error, String(result.didResolutionMetadata.message ?? error));
    const deactivated = result.didDocumentMetadata.deactivated === true;
    void reply.status(deactivated ? 410 : 200);
    void reply.header('content-type', representation === 'resolution' ? DID_RESOLUTION : representation === 'document' ? DID_JSON : DID_LD_JSON);
    return this.resolver.body(result, representation);
  }

  @Get('identifiers/:did/log')
  @ApiOperation({ summary: "A DID's signed operations, each with an inclusion proof against the latest checkpoint." })
  @ApiOkResponse({ type: DidLogDto })
  @ApiResponse({ status: 400, description: 'problem+json: not a did:isthmus identifier', content: problemContent })
  @ApiResponse({ status: 404, description: 'problem+json: the DID is not registered', content: problemContent })
  log(@Param('did') did: string): Promise<DidLogDto> {
    return this.didLog.log(did);
  }

  /**
   * The home region's answer as it gave it when it is a success or a refusal (2xx, 4xx); anything
   * else (its own fault, a redirect) is 502 problem+json, so a failing or compromised peer never
   * makes this region answer 500 or 3xx; 503 when it cannot be reached.
   */
  private async forward(home: string, body: unknown, requestId: string): Promise<{ status: number; contentType: string; body: string }> {
    try {
      const answer = await this.peers.forwardOperation(home, this.network.region(home)!.url, body, requestId);
      if ((answer.status >= 200 && answer.status < 300) || (answer.status >= 400 && answer.status < 500)) return answer;
      throw new ProblemException({
        type: problemType('home-region-failed'),
        title: 'Home region failed',
        status: 502,
        detail: `The DID's home region "${home}" answered ${answer.status} to the forwarded operation; try again later.`,
        homeRegion: home,
      });
    } catch (error) {
      if (!(error instanceof PeerUnavailableError)) throw error;
      throw new ProblemException({
        type: problemType('home-region-unavailable'),
        title: 'Home region unavailable',
        status: 503,
        detail: `The DID's home region "${home}" appends its operations and cannot be reached now (${error.message}); try again later.`,
        homeRegion: home,
      });
    }
  }

  private resolutionError(reply: FastifyReply, code: string, detail: string): string {
    const canonical = CANONICAL[code] ?? code;
    const { status, title } = ERROR_STATUS[canonical] ?? { status: 500, title: 'Resolution failed' };
    void reply.status(status).header('content-type', DID_RESOLUTION);
    return JSON.stringify({
      '@context': 'https://w3id.org/did-resolution/v1',
      didDocument: null,
      didDocumentMetadata: {},
      didResolutionMetadata: { error: { type: `https://www.w3.org/ns/did#${canonical}`, title, detail } },
    });
  }
}
