export class IssuerCreatedDto {
  /** @example "0b5a6f55-5e3c-4a8f-a0a4-7d1c1e0c8f22" */
  id!: string;
  /** @example "University of Leiden" */
  name!: string;
  /**
   * The issuer's API key. Shown once: only its hash is kept.
   * @example "isk_Qm9vZ2xlIGlzIG5vdCBhIHJlYWwga2V5IGJ1dCB0aGlzIGlz"
   */
  apiKey!: string;
}
