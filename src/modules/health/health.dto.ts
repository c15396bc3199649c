export class HealthReport {
  /** `ok` when every check passed. */
  status!: 'ok';
  /** The region id of this service. */
  region!: string;
  /** Each named check and its outcome. */
  checks!: Record<string, string>;
}
