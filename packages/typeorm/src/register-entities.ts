import { readFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { Node, Project, SyntaxKind, type ArrayLiteralExpression, type SourceFile } from 'ts-morph';
import { applyChanges, codeStyleOf, indentationAt, lineEnd, quoted, type TextChange } from '@orm-ai/core/typescript';

interface SourceEdit {
  readonly path: string;
  readonly before: string | null;
  readonly after: string;
}

/**
 * New entity files must reach the data source. When it lists entity classes
 * (`entities: [User, Post]`), each new file's exported class is imported and appended, in
 * the list's own layout and the file's quotes and semicolons; when it uses globs, the files
 * are found already and nothing changes. Returns the data source edit, or nothing.
 */
export function registerNewEntities(options: { dataSourcePath: string; edits: readonly SourceEdit[] }): SourceEdit[] {
  const created = options.edits.filter((edit) => edit.before === null);
  if (created.length === 0) return [];
  const before = readFileSync(options.dataSourcePath, 'utf8');
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('data-source.ts', before);
  // Only a list of class references gets new classes; globs (`__dirname + '/../**/*.entity{.ts,.js}'`) find the new file already.
  if (entityClassList(file) === undefined) return [];
  const style = codeStyleOf(file);
  // An ESM project writes `./user.js`; the new import follows the file's other relative imports.
  const relativeImports = file.getImportDeclarations().map((declaration) => declaration.getModuleSpecifierValue()).filter((value) => value.startsWith('.'));
  const extension = relativeImports.length > 0 && relativeImports.every((value) => value.endsWith('.js')) ? '.js' : '';
  for (const edit of created) {
    const className = exportedClassName(edit.after);
    if (!className) continue;
    const relativePath = `./${relative(dirname(options.dataSourcePath), edit.path).replace(/\.ts$/, '')}`;
    const specifier = `${relativePath.startsWith('./.') ? relativePath.slice(2) : relativePath}${extension}`;
    const line = `import { ${className} } from ${quoted(specifier, style.quote)}${style.semicolon}`;
    applyChanges(file, [importAfterTheLast(file, line), appendedElement(entityClassList(file)!, className)]);
  }
  const after = file.getFullText();
  return after === before ? [] : [{ path: options.dataSourcePath, before, after }];
}

function entityClassList(file: SourceFile): ArrayLiteralExpression | undefined {
  const list = file.getDescendants().find((node) => Node.isPropertyAssignment(node) && node.getName() === 'entities');
  const array = Node.isPropertyAssignment(list) ? list.getInitializer() : undefined;
  return Node.isArrayLiteralExpression(array) && array.getElements().every((element) => Node.isIdentifier(element)) ? array : undefined;
}

function importAfterTheLast(file: SourceFile, line: string): TextChange {
  const last = file.getImportDeclarations().at(-1);
  if (last === undefined) return { start: 0, end: 0, text: `${line}\n` };
  const end = lineEnd(file.getFullText(), last.getEnd());
  return { start: end, end, text: `\n${line}` };
}

/** `name` after the list's last element: on its own line at the elements' indentation when the list is one per line, keeping a trailing comma. */
function appendedElement(array: ArrayLiteralExpression, name: string): TextChange {
  const elements = array.getElements();
  const last = elements.at(-1);
  if (last === undefined) return { start: array.getStart() + 1, end: array.getStart() + 1, text: name };
  const text = array.getSourceFile().getFullText();
  const comma = last.getNextSiblingIfKind(SyntaxKind.CommaToken);
  const separator = text.slice(array.getStart(), elements[0]!.getStart()).includes('\n') ? `\n${indentationAt(text, last.getStart())}` : ' ';
  if (comma === undefined) return { start: last.getEnd(), end: last.getEnd(), text: `,${separator}${name}` };
  return { start: comma.getEnd(), end: comma.getEnd(), text: `${separator}${name},` };
}

function exportedClassName(content: string): string | undefined {
  const file = new Project({ useInMemoryFileSystem: true }).createSourceFile('entity.ts', content);
  return file.getClasses().find((declaration) => declaration.isExported())?.getName();
}
