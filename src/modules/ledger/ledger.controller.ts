import { Controller, Get, Header, Param, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { ConsistencyProofDto, ConsistencyQueryDto, EntriesPageDto, EntriesQueryDto, InclusionProofDto, InclusionQueryDto, LedgerKeysDto } from './dto/ledger.dto.js';
import { LedgerService } from './ledger.service.js';

@ApiTags('ledger')
@Controller('ledger')
export class LedgerController {
  constructor(private readonly ledger: LedgerService) {}

  @Get('keys')
  @ApiOperation({ summary: "Every region's log, cosigner and governance verifier keys, as in the genesis." })
  @ApiOkResponse({ type: LedgerKeysDto })
  keys(): LedgerKeysDto {
    return this.ledger.keys();
  }

  @Get(':region/checkpoint')
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-cache')
  @ApiProduces('text/plain')
  @ApiOperation({ summary: 'The latest checkpoint of a log: a C2SP signed note (tlog-checkpoint body).' })
  @ApiOkResponse({ description: 'the signed note text', schema: { type: 'string' } })
  @ApiNotFoundResponse({ description: 'unknown region or no checkpoint yet' })
  checkpoint(@Param('region') region: string): Promise<string> {
    return this.ledger.checkpoint(region);
  }

  @Get(':region/entries')
  @ApiOperation({ summary: 'Entries of a log in order, as stored.' })
  @ApiOkResponse({ type: EntriesPageDto })
  entries(@Param('region') region: string, @Query() query: EntriesQueryDto): Promise<EntriesPageDto> {
    return this.ledger.entries(region, query.start, query.limit);
  }

  @Get(':region/proof/inclusion')
  @ApiOperation({ summary: 'RFC 9162 inclusion proof of an entry in the tree of a given size.' })
  @ApiOkResponse({ type: InclusionProofDto })
  inclusion(@Param('region') region: string, @Query() query: InclusionQueryDto): Promise<InclusionProofDto> {
    return this.ledger.inclusion(region, query.index, query.size);
  }

  @Get(':region/proof/consistency')
  @ApiOperation({ summary: 'RFC 9162 consistency proof between two tree sizes.' })
  @ApiOkResponse({ type: ConsistencyProofDto })
  consistency(@Param('region') region: string, @Query() query: ConsistencyQueryDto): Promise<ConsistencyProofDto> {
    return this.ledger.consistency(region, query.from, query.to);
  }
}
