import { Controller, Get, Param, Query, Res, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { problemContent } from '../../common/openapi.js';
import { searchTarget } from '../../domain/explorer/search.js';
import { segment } from '../../domain/explorer/html.js';
import { InvalidInputError, NotFoundError } from '../../domain/errors.js';
import { htmlHeaders } from './explorer.headers.js';
import { ExplorerErrorFilter } from './explorer.filter.js';
import { ExplorerService } from './explorer.service.js';
import { checkpointPage, didPage, entryPage, homePage, policyPage, statusListPage, statusListsPage, trustPage } from './pages.js';

const HTML = { 'text/html': { schema: { type: 'string' } } };
/** An explorer error: an HTML page, or problem+json when the framework refuses the request before the explorer sees it. */
const HTML_OR_PROBLEM = { ...HTML, ...problemContent };
const ok = (description: string) => ApiResponse({ status: 200, description, content: HTML });
const badRequest = (description: string) => ApiResponse({ status: 400, description: `HTML page: ${description} (problem+json for a request the framework refuses, e.g. bad percent-encoding)`, content: HTML_OR_PROBLEM });
const notFound = (description: string) => ApiResponse({ status: 404, description: `HTML page: ${description}`, content: HTML_OR_PROBLEM });

/** The largest index or size the ledger tables can hold (a 32-bit integer column). */
const MAX_COUNT = 2 ** 31 - 1;

/** A decimal index or size as the explorer's paths and queries carry it. */
function count(value: unknown, name: string): number {
  if (typeof value !== 'string' || !/^(0|[1-9]\d{0,9})$/.test(value) || Number(value) > MAX_COUNT) {
    throw new InvalidInputError(`${name} must be an integer from 0 to ${MAX_COUNT}`, { errors: [{ pointer: `/${name}`, detail: `must be an integer from 0 to ${MAX_COUNT}` }] });
  }
  return Number(value);
}

/**
 * The ledger explorer (docs/explorer.md): server-rendered HTML pages over what the JSON API
 * serves, each linking to its JSON twin. Errors are HTML pages too (ExplorerErrorFilter).
 */
@ApiTags('explorer')
@ApiProduces('text/html')
@UseFilters(ExplorerErrorFilter)
@Controller('explorer')
export class ExplorerController {
  constructor(private readonly explorer: ExplorerService) {}

  @Get()
  @ApiOperation({ summary: 'Explorer: the network as this region holds it (logs, newest checkpoints and their signers, replication lag, alarms, entries over time).' })
  @ok('the network page')
  async home(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    htmlHeaders(reply);
    return homePage(await this.explorer.home());
  }

  @Get('search')
  @ApiOperation({ summary: 'Explorer: the search box. A DID, an entry index (12, or eu/12) or a status list id redirects to its page.' })
  @ApiQuery({ name: 'q', required: false, description: 'a DID, an entry index (`12` in this region’s log, `eu/12`) or a status list id or URL' })
  @ApiResponse({ status: 303, description: 'to the page of what was found (Location)' })
  @badRequest('a malformed query string')
  @notFound('nothing matches the search')
  search(@Query('q') q: unknown, @Res({ passthrough: true }) reply: FastifyReply): string {
    const query = Array.isArray(q) ? q[0] : q;
    const target = searchTarget(typeof query === 'string' ? query : '', this.explorer.regions, this.explorer.region);
    if (target.kind === 'none') throw new NotFoundError(`Nothing found: ${target.reason}.`);
    const location =
      target.kind === 'did' ? `/explorer/dids/${segment(target.did)}` : target.kind === 'entry' ? `/explorer/logs/${segment(target.log)}/entries/${target.index}` : `/explorer/status-lists/${segment(target.id)}`;
    htmlHeaders(reply.status(303)).header('location', location);
    return '';
  }

  @Get('dids/:did')
  @ApiOperation({ summary: 'Explorer: a DID — its version timeline (operations, ledger positions, inclusion proofs, keys added and removed), resolved document and deactivation.' })
  @ApiParam({ name: 'did', description: 'a DID (URL-encoded)' })
  @ok('the DID page (also for a deactivated DID)')
  @badRequest('not a DID, or a DID method this region does not resolve')
  @notFound('the DID is not on this region’s ledger copy')
  async did(@Param('did') did: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const view = await this.explorer.did(did);
    htmlHeaders(reply);
    return didPage(this.explorer.region, view);
  }

  @Get('logs/:region/entries/:index')
  @ApiOperation({ summary: 'Explorer: one ledger entry, with its inclusion proof checked against the newest checkpoint.' })
  @ok('the entry page')
  @badRequest('the index is not a non-negative integer')
  @notFound('no such log, or no such entry in this region’s copy')
  async entry(@Param('region') region: string, @Param('index') index: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const view = await this.explorer.entry(region, count(index, 'index'));
    htmlHeaders(reply);
    return entryPage(this.explorer.region, view);
  }

  @Get('logs/:region/checkpoints/:size')
  @ApiOperation({ summary: 'Explorer: a signed checkpoint — its signers and cosigners checked against the genesis, and its consistency with an earlier size checked here.' })
  @ApiQuery({ name: 'from', required: false, description: 'the earlier tree size to check consistency against (default: the previous checkpoint’s)' })
  @ok('the checkpoint page; the consistency check is shown as verified or failed')
  @badRequest('size or from is not a non-negative integer, or from exceeds size')
  @notFound('no such log, or no checkpoint of that size here')
  async checkpoint(@Param('region') region: string, @Param('size') size: string, @Query('from') from: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const page = await this.explorer.checkpoint(region, count(size, 'size'), from === undefined || from === '' ? undefined : count(from, 'from'));
    htmlHeaders(reply);
    return checkpointPage(this.explorer.region, page);
  }

  @Get('status-lists')
  @ApiOperation({ summary: 'Explorer: every status list on this region’s ledger copy.' })
  @ok('the status lists page')
  async statusLists(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const lists = await this.explorer.statusLists();
    htmlHeaders(reply);
    return statusListsPage(this.explorer.region, lists);
  }

  @Get('status-lists/:id')
  @ApiOperation({ summary: 'Explorer: a status list — its size and how many statuses are set (never which).' })
  @ok('the status list page')
  @badRequest('the id is not a status list id (a lowercase UUID)')
  @notFound('no such list in this region’s ledger copy')
  async statusList(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const list = await this.explorer.statusList(id);
    htmlHeaders(reply);
    return statusListPage(this.explorer.region, list);
  }

  @Get('trust')
  @ApiOperation({ summary: 'Explorer: the trust list — every region’s accreditations and withdrawals.' })
  @ok('the trust list page')
  async trust(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const view = await this.explorer.trust();
    htmlHeaders(reply);
    return trustPage(this.explorer.region, view);
  }

  @Get('policy')
  @ApiOperation({ summary: 'Explorer: this region’s jurisdiction policy.' })
  @ok('the policy page')
  policy(@Res({ passthrough: true }) reply: FastifyReply): string {
    htmlHeaders(reply);
    return policyPage(this.explorer.region, this.explorer.policy);
  }
}
