import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { RegionConfig } from '../../config/config.js';
import { REGION_CONFIG } from '../../config/config.module.js';

export interface SchemaProblem {
  readonly pointer: string;
  readonly detail: string;
}

/**
 * The JSON Schemas this region holds (DATA_DIR/schemas/*.json, each with its `$id`), loaded and
 * compiled at boot: credentialSchema entries are checked against them, never fetched.
 */
@Injectable()
export class SchemaRegistry {
  private readonly schemas = new Map<string, ValidateFunction>();

  constructor(@Inject(REGION_CONFIG) config: RegionConfig) {
    const dir = join(config.dataDir, 'schemas');
    if (!existsSync(dir)) return;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      let schema: { $id?: unknown };
      try {
        schema = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { $id?: unknown };
      } catch {
        throw new Error(`credential schema ${file} is not valid JSON`);
      }
      if (typeof schema.$id !== 'string') throw new Error(`credential schema ${file} has no $id`);
      try {
        this.schemas.set(schema.$id, ajv.compile(schema as Record<string, unknown>));
      } catch (error) {
        throw new Error(`credential schema ${file} does not compile: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /**
   * Checks a credential against its credentialSchema entries. Answers the problems (empty when
   * valid), or undefined when an entry names a schema this region does not hold.
   */
  check(credential: Record<string, unknown>): { problems: SchemaProblem[]; unknown: string[] } {
    const entries = credential.credentialSchema === undefined ? [] : Array.isArray(credential.credentialSchema) ? credential.credentialSchema : [credential.credentialSchema];
    const problems: SchemaProblem[] = [];
    const unknown: string[] = [];
    entries.forEach((entry, i) => {
      const at = `/credential/credentialSchema${Array.isArray(credential.credentialSchema) ? `/${i}` : ''}`;
      const { id, type } = (entry ?? {}) as { id?: unknown; type?: unknown };
      if (type !== 'JsonSchema' || typeof id !== 'string') {
        problems.push({ pointer: at, detail: 'must be {"id": "<schema id>", "type": "JsonSchema"}' });
        return;
      }
      const validate = this.schemas.get(id);
      if (!validate) {
        unknown.push(id);
        return;
      }
      if (!validate(credential)) {
        for (const error of validate.errors ?? []) problems.push({ pointer: `/credential${error.instancePath}`, detail: `${error.message ?? 'is invalid'} (schema ${id})` });
      }
    });
    return { problems, unknown };
  }
}
