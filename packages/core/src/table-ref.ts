/** A table as PostgreSQL resolves it: an unqualified name means schema `public` here. */
export interface TableRef {
  readonly schema: string;
  readonly name: string;
}

/** `schema.name`, unquoted: a map key, and the form `--rows` and `--stats-url` use. */
export function tableKey(table: TableRef): string {
  return `${table.schema}.${table.name}`;
}

/** The name for messages, with the schema left out when it is `public`. */
export function tableLabel(table: TableRef): string {
  return table.schema === 'public' ? table.name : `${table.schema}.${table.name}`;
}

/** `"schema"."name"`, quoted for SQL whatever the names hold. */
export function quotedTableName(table: TableRef): string {
  return `${quoteIdentifier(table.schema)}.${quoteIdentifier(table.name)}`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
