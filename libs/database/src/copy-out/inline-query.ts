import { PostgresQueryCompiler, type RawBuilder } from 'kysely';

/**
 * The SQL of `query` with its parameters written as literals: COPY takes no
 * bind parameters (it is a utility statement, sent as a simple query).
 */
export function inlineQuery(query: RawBuilder<unknown>): string {
  return new InlineCompiler().compileQuery(query.toOperationNode(), { queryId: 'inline' }).sql;
}

class InlineCompiler extends PostgresQueryCompiler {
  protected override appendValue(value: unknown): void {
    this.append(literal(value));
  }
}

function literal(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number' && Number.isFinite(value)) return `(${value})`;
  // An escape string, whatever standard_conforming_strings says: backslashes and quotes doubled.
  if (typeof value === 'string') return `E'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  if (Array.isArray(value)) return value.length === 0 ? `'{}'` : `array[${value.map(literal).join(', ')}]`;
  throw new TypeError(`no literal for a parameter of type ${typeof value}`);
}
