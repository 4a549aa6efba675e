import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { Node, Project, QuoteKind } from 'ts-morph';

interface SourceEdit {
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
}

/**
 * New entity files must reach the data source. When it lists entity classes
 * (`entities: [User, Post]`), each new file's exported class is imported and appended, in
 * the list's own style; when it uses globs, the files are found already and nothing changes.
 * Returns the data source edit, or nothing.
 */
export function registerNewEntities(options: { dataSourcePath: string; edits: readonly SourceEdit[] }): SourceEdit[] {
  const created = options.edits.filter((edit) => edit.before === null);
  if (created.length === 0) return [];
  const before = readFileSync(options.dataSourcePath, 'utf8');
  // The new import takes the quotes the file's imports already use.
  const quoteKind = /from\s+'/.test(before) ? QuoteKind.Single : QuoteKind.Double;
  const file = new Project({ useInMemoryFileSystem: true, manipulationSettings: { quoteKind } }).createSourceFile('data-source.ts', before);
  const list = file.getDescendants().find((node) => Node.isPropertyAssignment(node) && node.getName() === 'entities');
  const array = Node.isPropertyAssignment(list) ? list.getInitializer() : undefined;
  // Only a list of class references gets new classes; globs (`__dirname + '/../**/*.entity{.ts,.js}'`) find the new file already.
  if (!Node.isArrayLiteralExpression(array) || !array.getElements().every((element) => Node.isIdentifier(element))) return [];
  for (const edit of created) {
    const className = exportedClassName(edit.after);
    if (!className) continue;
    array.addElement(className);
    const specifier = `./${relative(dirname(options.dataSourcePath), edit.path).replace(/\.ts$/, '')}`;
    const lastImport = file.getImportDeclarations().at(-1);
    file.insertImportDeclaration(lastImport ? lastImport.getChildIndex() + 1 : 0, { namedImports: [className], moduleSpecifier: specifier.startsWith('./.') ? specifier.slice(2) : specifier });
  }
  const after = file.getFullText();
  return after === before ? [] : [{ path: options.dataSourcePath, before, after }];
}

function exportedClassName(content: string): string | undefined {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('entity.ts', content);
  return file.getClasses().find((declaration) => declaration.isExported())?.getName();
}
