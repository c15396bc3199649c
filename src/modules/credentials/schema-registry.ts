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

/** How a credentialSchema entry names a schema: the schema's `$id`, or the id of a credential that carries it. */
export type SchemaKind = 'JsonSchema' | 'JsonSchemaCredential';
const KINDS: readonly string[] = ['JsonSchema', 'JsonSchemaCredential'];

/**
 * The schemas this region holds (DATA_DIR/schemas/*.json), loaded and compiled at boot:
 * credentialSchema entries are checked against them, never fetched. A file is a JSON Schema
 * with its `$id` (entries of type JsonSchema name it), or a JsonSchemaCredential (VCDM 2.0
 * JSON Schema spec) whose `credentialSubject.jsonSchema` is the schema (entries of that type
 * name the credential's `id`). The operator puts the files there: a credential's proof, if
 * any, is not what makes it trusted here.
 */
@Injectable()
export class SchemaRegistry {
  private readonly schemas = new Map<string, { kind: SchemaKind; validate: ValidateFunction }>();

  constructor(@Inject(REGION_CONFIG) config: RegionConfig) {
    const dir = join(config.dataDir, 'schemas');
    if (!existsSync(dir)) return;
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      let held: Record<string, unknown>;
      try {
        held = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Record<string, unknown>;
      } catch {
        throw new Error(`credential schema ${file} is not valid JSON`);
      }
      const { id, kind, schema } = heldSchema(held, file);
      try {
        this.schemas.set(id, { kind, validate: ajv.compile(schema) });
      } catch (error) {
        throw new Error(`credential schema ${file} does not compile: ${(error as Error).message}`, { cause: error });
      }
    }
  }

  /**
   * Checks a credential against its credentialSchema entries: the problems (empty when valid),
   * and the entries this region cannot check (a schema it does not hold, a type it does not know).
   */
  check(credential: Record<string, unknown>): { problems: SchemaProblem[]; unknown: string[] } {
    const entries = credential.credentialSchema === undefined ? [] : Array.isArray(credential.credentialSchema) ? credential.credentialSchema : [credential.credentialSchema];
    const problems: SchemaProblem[] = [];
    const unknown: string[] = [];
    entries.forEach((entry, i) => {
      const at = `/credential/credentialSchema${Array.isArray(credential.credentialSchema) ? `/${i}` : ''}`;
      const { id, type } = (entry ?? {}) as { id?: unknown; type?: unknown };
      if (typeof id !== 'string' || typeof type !== 'string') {
        problems.push({ pointer: at, detail: 'must be {"id": "<schema id>", "type": "JsonSchema" | "JsonSchemaCredential"}' });
        return;
      }
      if (!KINDS.includes(type)) {
        unknown.push(`${id} (type ${type} is not a schema mechanism this service checks)`);
        return;
      }
      const held = this.schemas.get(id);
      if (!held) {
        unknown.push(id);
        return;
      }
      if (held.kind !== type) {
        problems.push({ pointer: `${at}/type`, detail: `${id} is held here as a ${held.kind}, not a ${type}` });
        return;
      }
      if (!held.validate(credential)) {
        for (const error of held.validate.errors ?? []) problems.push({ pointer: `/credential${error.instancePath}`, detail: `${error.message ?? 'is invalid'} (schema ${id})` });
      }
    });
    return { problems, unknown };
  }
}

/** A held file's schema: a JSON Schema by its `$id`, or a JsonSchemaCredential's jsonSchema by the credential's `id`. */
function heldSchema(held: Record<string, unknown>, file: string): { id: string; kind: SchemaKind; schema: Record<string, unknown> } {
  const types = Array.isArray(held.type) ? held.type : [held.type];
  if (types.includes('JsonSchemaCredential')) {
    const subject = held.credentialSubject as { jsonSchema?: unknown } | undefined;
    if (typeof held.id !== 'string') throw new Error(`credential schema ${file} is a JsonSchemaCredential without an id`);
    if (!subject?.jsonSchema || typeof subject.jsonSchema !== 'object') throw new Error(`credential schema ${file} is a JsonSchemaCredential without credentialSubject.jsonSchema`);
    return { id: held.id, kind: 'JsonSchemaCredential', schema: subject.jsonSchema as Record<string, unknown> };
  }
  if (typeof held.$id !== 'string') throw new Error(`credential schema ${file} has no $id`);
  return { id: held.$id, kind: 'JsonSchema', schema: held };
}
