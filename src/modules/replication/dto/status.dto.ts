import { ApiProperty } from '@nestjs/swagger';

export class LedgerAlarmDto {
  /** What POST /ledger/alarms/{id}/clear takes. @example 1 */
  id!: number;
  /** @example "ap" */
  log!: string;
  /** @example "equivocation" */
  kind!: string;
  /** What was wrong, at most 512 characters; peer bytes appear only as a length and digest. */
  detail!: string;
  /** Whether replication of the log is stopped until an operator clears the alarm. */
  blocking!: boolean;
  /** When the fault was first seen (same as firstSeenAt). */
  createdAt!: string;
  firstSeenAt!: string;
  /** When the fault was last seen while the alarm was open. */
  lastSeenAt!: string;
  /** How many times the fault was seen while the alarm was open (one open alarm per log and kind). @example 1 */
  count!: number;
}

export class ClearedAlarmDto extends LedgerAlarmDto {
  clearedAt!: string;
}

export class CatchUpDto {
  /** Where the catch-up started and the signed size it goes to. */
  from!: number;
  target!: number;
  /** Entries still to fetch, verify and store. */
  behind!: number;
  /** Entries stored per second so far (null before the first chunk). */
  @ApiProperty({ type: Number, nullable: true })
  entriesPerSecond!: number | null;
  /** Seconds left at that rate (null before the first chunk). */
  @ApiProperty({ type: Number, nullable: true })
  etaSeconds!: number | null;
}

export class LogStatusDto {
  /** @example "eu" */
  log!: string;
  /** `writer` for this region's own log, `mirror` for the others. */
  role!: 'writer' | 'mirror';
  /** Entries of the log: this region's own size, or the peer's latest signed size. */
  size!: number;
  /** Entries this region holds, verified. */
  acceptedSize!: number;
  /** Largest size whose checkpoint carries both regions' signatures. */
  cosignedSize!: number;
  /** Entries not yet accepted (mirror) or not yet cosigned (writer). */
  lagEntries!: number;
  lagSeconds!: number;
  @ApiProperty({ type: String, nullable: true })
  lastSyncAt!: string | null;
  @ApiProperty({ type: String, nullable: true })
  lastError!: string | null;
  /** True while a blocking alarm stops replication of this log. */
  stopped!: boolean;
  /** A mirror's catch-up under way (chunks of the gap being stored), or null. */
  @ApiProperty({ type: CatchUpDto, nullable: true })
  catchUp!: CatchUpDto | null;
}

export class LedgerStatusDto {
  /** @example "eu" */
  region!: string;
  logs!: LogStatusDto[];
  /** Open alarms, blocking ones first then the newest, at most 20. */
  alarms!: LedgerAlarmDto[];
  /** How many alarms are open in all. */
  alarmCount!: number;
}
