import type { BuilderQuery } from './builder-migration.js';

export interface RenderMigrationFileOptions {
  /** The migration's name as given to `migration:generate <path>`: its basename, e.g. `AddUserBio`. */
  readonly name: string;
  /** Milliseconds since the epoch, as TypeORM's `--timestamp` (13 digits today). */
  readonly timestamp: number;
  readonly up: readonly BuilderQuery[];
  /** In the schema builder's order: written reversed, as TypeORM does. */
  readonly down: readonly BuilderQuery[];
  /**
   * `false` writes `public readonly transaction = false;`: TypeORM then runs the migration
   * outside any transaction, in the `each` and `none` modes only (`all` refuses it).
   * Absent: the line is left out, as `migration:generate` does.
   */
  readonly transaction?: false;
}

export interface MigrationFile {
  /** `<timestamp>-<name>.ts`. */
  readonly fileName: string;
  /** `<PascalName><timestamp>`. */
  readonly className: string;
  readonly content: string;
}

/**
 * The TypeScript migration file TypeORM 1.1's `migration:generate` writes for these queries,
 * byte for byte (its `getTemplate`, without `--pretty`): the same import, class shape,
 * four-space indentation, template-literal escaping of `\`, backticks and `${`, bind
 * parameters as a JSON array, and `down` in reverse order.
 *
 * @example
 * renderMigrationFile({ name: 'add-user-bio', timestamp: 1700000000000, up, down })
 * // { fileName: '1700000000000-add-user-bio.ts', className: 'AddUserBio1700000000000', content }
 */
export function renderMigrationFile(options: RenderMigrationFileOptions): MigrationFile {
  const className = `${pascalCase(options.name)}${options.timestamp}`;
  const upSqls = options.up.map(renderQuery);
  const downSqls = options.down.map(renderQuery).reverse();
  const transaction = options.transaction === false ? '\n    public readonly transaction = false;\n' : '';
  const content = `import { MigrationInterface, QueryRunner } from "typeorm";

export class ${className} implements MigrationInterface {
    name = '${className}'
${transaction}
    public async up(queryRunner: QueryRunner): Promise<void> {
${upSqls.join('\n')}
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
${downSqls.join('\n')}
    }

}
`;
  return { fileName: `${options.timestamp}-${options.name}.ts`, className, content };
}

function renderQuery(query: BuilderQuery): string {
  // A comment-only entry (a plan step with no inverse says so in down) is a TypeScript comment, not a query.
  const lines = query.query.split('\n').map((line) => line.trim());
  if (!query.parameters?.length && lines.every((line) => line.startsWith('--'))) return lines.map((line) => `        // ${line.replace(/^--\s*/, '')}`).join('\n');
  const parameters = query.parameters?.length ? `, ${JSON.stringify(query.parameters)}` : '';
  return `        await queryRunner.query(\`${escapeTemplateLiteral(query.query)}\`${parameters});`;
}

function escapeTemplateLiteral(query: string): string {
  return query.replaceAll('\\', '\\\\').replaceAll('`', '\\`').replaceAll('${', '\\${');
}

/** TypeORM's `camelCase(name, true)` from `util/StringUtils`, kept identical: `add-user bio` → `AddUserBio`. */
export function pascalCase(name: string): string {
  return ` ${name}`.replaceAll(/^([A-Z])|[\s-_](\w)/g, (_match, first: string | undefined, next: string | undefined) =>
    next ? next.toUpperCase() : (first ?? '').toLowerCase(),
  );
}
