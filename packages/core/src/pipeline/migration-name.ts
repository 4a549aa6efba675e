import type { ChangeOf, ChangePlan, SchemaChange, SchemaChangeKind } from '../change-plan.js';

/** The longest name made up from a plan; a longer one is cut at a word boundary. */
export const MAX_MIGRATION_NAME_LENGTH = 40;

/**
 * A unit of a name that is kept whole: a snake_case identifier (`display_name`) or a verb.
 * A connector (`and`, `to`) only joins two units, so a name never ends on one.
 */
interface NameWord {
  readonly text: string;
  readonly connector?: true;
}

/**
 * What one change says in a name. Changes with the same `key` merge into one phrase, their
 * `item`s joined with `and`: two columns added to `posts` read `add_posts_tags_and_slug`.
 */
interface ChangePhrase {
  readonly key: string;
  readonly head: readonly NameWord[];
  readonly item: readonly NameWord[];
}

interface MergedPhrase {
  readonly head: readonly NameWord[];
  readonly rest: readonly NameWord[];
}

const word = (identifier: string): NameWord => ({ text: snakeCase(identifier) });
const connector = (text: string): NameWord => ({ text, connector: true });
const AND = connector('and');
const TO = connector('to');

/** Verb first, then the table it acts on, then what on it: the order ORM users name migrations in by hand. */
const PHRASES: { readonly [K in SchemaChangeKind]: (change: ChangeOf<K>) => ChangePhrase } = {
  create_table: (c) => ({ key: 'create', head: [word('create')], item: [word(c.table)] }),
  drop_table: (c) => ({ key: 'drop', head: [word('drop')], item: [word(c.table)] }),
  rename_table: (c) => ({ key: 'rename_table', head: [word('rename')], item: [word(c.from), TO, word(c.to)] }),
  add_column: (c) => ({ key: `add_column ${c.table}`, head: [word('add'), word(c.table)], item: [word(c.column.name)] }),
  drop_column: (c) => ({ key: `drop_column ${c.table}`, head: [word('drop'), word(c.table)], item: [word(c.column)] }),
  rename_column: (c) => ({ key: `rename_column ${c.table}`, head: [word('rename'), word(c.table)], item: [word(c.from), TO, word(c.to)] }),
  alter_column: (c) => ({ key: `alter_column ${c.table}`, head: [word('alter'), word(c.table)], item: [word(c.column)] }),
  create_index: (c) => ({ key: `create_index ${c.table} ${c.name}`, head: [word('index'), word(c.table)], item: c.columns.map(word) }),
  drop_index: (c) => ({ key: 'drop', head: [word('drop')], item: [word(c.name)] }),
  add_foreign_key: (c) => ({ key: `add_foreign_key ${c.table}`, head: [word('link'), word(c.table)], item: [TO, word(c.referencedTable)] }),
  drop_foreign_key: (c) => ({ key: 'drop', head: [word('drop')], item: [word(c.name)] }),
  add_unique: (c) => ({ key: `add_unique ${c.table} ${c.columns.join()}`, head: [word('unique'), word(c.table)], item: c.columns.map(word) }),
  drop_unique: (c) => ({ key: 'drop', head: [word('drop')], item: [word(c.name)] }),
  create_enum: (c) => ({ key: 'create', head: [word('create')], item: [word(c.name), word('enum')] }),
  add_enum_value: (c) => ({ key: `add_enum_value ${c.enum}`, head: [word('add'), word(c.enum)], item: [word(c.value)] }),
};

/**
 * The migration's name: `--name` when given (in snake_case), else one made up from the
 * plan's changes, at most {@link MAX_MIGRATION_NAME_LENGTH} characters, cut between whole
 * words and never on a connector. Changes that only serve another one (the GIN index on a
 * column the plan adds, the foreign keys of a table it creates) are left out, as a person
 * naming the migration would leave them out.
 *
 * The changes name the tables and columns; a plan's summary is prose for a reviewer
 * ("Renames the column in place.") and often names neither.
 *
 * @example
 * // add_column posts.tags + create_index on posts(tags)
 * migrationNameFor({ plan }) // 'add_posts_tags'
 * // create_table bookmarks + its foreign keys, unique and index
 * migrationNameFor({ plan }) // 'create_bookmarks'
 * migrationNameFor({ name: 'PostTags', plan }) // 'post_tags'
 */
export function migrationNameFor(options: { name?: string | undefined; plan: ChangePlan }): string {
  const given = snakeCase(options.name ?? '');
  if (given) return given;
  const phrases = mergedPhrases(leadChanges(options.plan).map(phraseOf));
  const words = phrases.flatMap((phrase, index) => (index === 0 ? [...phrase.head, ...phrase.rest] : [AND, ...headAsOneWord(phrase)]));
  return fitted(words, MAX_MIGRATION_NAME_LENGTH) || 'schema_change';
}

/** A later phrase joins the name with at least its verb and table, or not at all: never `..._and_drop`. */
function headAsOneWord(phrase: MergedPhrase): NameWord[] {
  return [{ text: phrase.head.map((part) => part.text).join('_') }, ...phrase.rest];
}

function phraseOf(change: SchemaChange): ChangePhrase {
  return (PHRASES[change.kind] as (change: SchemaChange) => ChangePhrase)(change);
}

/** One phrase per key, in the order the plan first names it: `head item (item)* and item`. */
function mergedPhrases(phrases: readonly ChangePhrase[]): MergedPhrase[] {
  const byKey = new Map<string, { head: readonly NameWord[]; items: (readonly NameWord[])[] }>();
  for (const phrase of phrases) {
    const merged = byKey.get(phrase.key);
    if (merged) merged.items.push(phrase.item);
    else byKey.set(phrase.key, { head: phrase.head, items: [phrase.item] });
  }
  return [...byKey.values()].map(({ head, items }) => ({
    head,
    rest: items.flatMap((item, index) => [...(index > 0 && index === items.length - 1 ? [AND] : []), ...item]),
  }));
}

/**
 * The changes a name should tell of. A change that only completes another one of the plan
 * is left out: an index, unique or foreign key on a table the plan creates or drops, or on
 * columns it adds; an enum a new column uses.
 */
function leadChanges(plan: ChangePlan): SchemaChange[] {
  const created = new Set<string>();
  const dropped = new Set<string>();
  const added = new Set<string>();
  const usedTypes = new Set<string>();
  for (const change of plan.changes) {
    if (change.kind === 'create_table') {
      created.add(change.table);
      for (const column of change.columns) usedTypes.add(baseType(column.type));
    }
    if (change.kind === 'drop_table') dropped.add(change.table);
    if (change.kind === 'add_column') {
      added.add(`${change.table}.${change.column.name}`);
      usedTypes.add(baseType(change.column.type));
    }
    if (change.kind === 'alter_column' && change.type) usedTypes.add(baseType(change.type));
  }
  const onNewColumns = (table: string, columns: readonly string[]) => created.has(table) || columns.every((column) => added.has(`${table}.${column}`));
  const serves = (change: SchemaChange): boolean => {
    switch (change.kind) {
      case 'create_index':
      case 'add_unique':
      case 'add_foreign_key':
        return onNewColumns(change.table, change.columns);
      case 'drop_index':
      case 'drop_foreign_key':
      case 'drop_unique':
        return dropped.has(change.table);
      case 'create_enum':
        return usedTypes.has(change.name);
      default:
        return false;
    }
  };
  const lead = plan.changes.filter((change) => !serves(change));
  return lead.length > 0 ? lead : plan.changes;
}

/** `text[]` → `text`, `varchar(64)` → `varchar`: the name an enum would be used by. */
function baseType(type: string): string {
  return type.replace(/\(.*$/, '').replace(/(\[\])+$/, '').trim();
}

/**
 * The words joined by `_`, as many whole words as fit in `max` characters, without a
 * trailing connector. Only when not even one word after the verb fits whole is that word
 * cut, and then between its own snake_case parts.
 */
function fitted(words: readonly NameWord[], max: number): string {
  const kept: string[] = [];
  let connectorsAtEnd = 0;
  for (const [index, next] of words.entries()) {
    const parts = index <= 1 && !fits([...kept, next.text], max) ? next.text.split('_') : [next.text];
    const fitting = parts.filter((_, count) => fits([...kept, ...parts.slice(0, count + 1)], max));
    if (fitting.length === 0) break;
    kept.push(...fitting);
    connectorsAtEnd = next.connector ? connectorsAtEnd + 1 : 0;
    if (fitting.length < parts.length) break;
  }
  return kept.slice(0, kept.length - connectorsAtEnd).join('_');
}

function fits(parts: readonly string[], max: number): boolean {
  return parts.join('_').length <= max;
}

/** `WebhookNote` → `webhook_note`, `photoURL` → `photo_url`, `add post-tags` → `add_post_tags`. */
function snakeCase(text: string): string {
  return text
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join('_');
}
