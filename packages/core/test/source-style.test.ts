import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { codeStyleOf, DEFAULT_CODE_STYLE, quoted, restyle } from '../src/typescript/index.js';

function sourceOf(text: string) {
  return new Project({ useInMemoryFileSystem: true }).createSourceFile('/a.ts', text);
}

describe('codeStyleOf', () => {
  it('reads double quotes, no semicolons and four spaces', () => {
    const file = sourceOf('import { a } from "a"\n\nexport class A {\n    @Column({ type: "text" })\n    name!: string\n}\n');
    expect(codeStyleOf(file)).toEqual({ quote: '"', semicolon: '', indent: '    ' });
  });

  it('reads single quotes, semicolons and tabs', () => {
    const file = sourceOf("import { a } from 'a';\nexport const b = {\n\tc: [\n\t\t'd',\n\t],\n};\n");
    expect(codeStyleOf(file)).toEqual({ quote: "'", semicolon: ';', indent: '\t' });
  });

  it('takes what the file does not show from the fallback', () => {
    const fallback = { quote: '"', semicolon: '', indent: '\t' } as const;
    expect(codeStyleOf(sourceOf(''), fallback)).toEqual(fallback);
    expect(codeStyleOf(sourceOf(''))).toEqual(DEFAULT_CODE_STYLE);
  });

  it('goes by the majority, not the first line', () => {
    const file = sourceOf("import 'reflect-metadata'\nimport { a } from \"a\"\nimport { b } from \"b\"\n");
    expect(codeStyleOf(file).quote).toBe('"');
  });
});

describe('quoted', () => {
  it('escapes in the asked quote, or takes the other when that spares an escape', () => {
    expect(quoted('a\\b', '"')).toBe('"a\\\\b"');
    expect(quoted("it's", "'")).toBe('"it\'s"');
    expect(quoted('say "it\'s"', "'")).toBe("'say \"it\\'s\"'");
  });
});

describe('restyle', () => {
  const noSemi = { quote: '"', semicolon: '', indent: '    ' } as const;

  it('re-quotes string literals and drops line-ending semicolons, leaving other text alone', () => {
    expect(restyle("import { A } from './a';\n@Column({ type: 'text', default: () => 'now()' })\nname!: string;", noSemi)).toBe(
      'import { A } from "./a"\n@Column({ type: "text", default: () => "now()" })\nname!: string',
    );
  });

  it('keeps a semicolon the next line needs, and one inside a line', () => {
    expect(restyle('a = b;\n[c].forEach(f);\nfor (;;) x();', noSemi)).toBe('a = b;\n[c].forEach(f)\nfor (;;) x()');
  });

  it('keeps a literal whose content holds the file quote in the other quote', () => {
    expect(restyle(`x('it"s', 'a')`, { ...noSemi, quote: "'" })).toBe(`x('it"s', 'a')`);
    expect(restyle(`x("it's")`, { ...noSemi, quote: '"' })).toBe(`x("it's")`);
  });

  it('reindents two-space steps only when asked', () => {
    const code = "class A {\n  b() {\n    return 'c';\n  }\n}\n";
    expect(restyle(code, { quote: "'", semicolon: ';', indent: '\t' }, { reindent: true })).toBe("class A {\n\tb() {\n\t\treturn 'c';\n\t}\n}\n");
    expect(restyle(code, { quote: "'", semicolon: ';', indent: '\t' })).toBe(code);
  });
});
