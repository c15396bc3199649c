import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { HttpDurationHistogram } from './http-duration.js';

/** Prometheus metrics of this region; one registry per app, so test apps never collide. */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  /** By method, route and status; observed once per request (app.factory.ts). */
  readonly httpDuration = new HttpDurationHistogram(
    'isthmus_http_request_duration_seconds',
    'HTTP request latency by route and status',
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    this.registry,
  );

  readonly logSize = new Gauge({ name: 'isthmus_ledger_entries', help: 'Entries held per log', labelNames: ['log'] as const, registers: [this.registry] });

  readonly cosignedSize = new Gauge({ name: 'isthmus_ledger_cosigned_size', help: 'Largest tree size carrying both regions\u2019 signatures', labelNames: ['log'] as const, registers: [this.registry] });

  readonly lagEntries = new Gauge({ name: 'isthmus_replication_lag_entries', help: 'Entries the peer has signed that this region has not accepted', labelNames: ['log'] as const, registers: [this.registry] });

  readonly lagSeconds = new Gauge({ name: 'isthmus_replication_lag_seconds', help: 'Seconds this region has been behind the peer\u2019s latest checkpoint', labelNames: ['log'] as const, registers: [this.registry] });

  readonly catchUpRate = new Gauge({ name: 'isthmus_replication_catchup_entries_per_second', help: 'Entries per second stored by the catch-up under way (0 when none)', labelNames: ['log'] as const, registers: [this.registry] });

  readonly catchUpEta = new Gauge({ name: 'isthmus_replication_catchup_eta_seconds', help: 'Seconds the catch-up under way needs at its current rate (0 when none)', labelNames: ['log'] as const, registers: [this.registry] });

  readonly verifyFailures = new Counter({ name: 'isthmus_replication_verify_failures_total', help: 'Checkpoints or entries from a peer that failed verification', labelNames: ['log', 'kind'] as const, registers: [this.registry] });

  readonly alarm = new Gauge({ name: 'isthmus_ledger_alarm', help: '1 while a blocking alarm (equivocation, inconsistency) stops replication of the log', labelNames: ['log'] as const, registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'isthmus_' });
  }
}
