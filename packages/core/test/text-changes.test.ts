import { Project } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { applyChanges, indentationAt, lineEnd, lineStart } from '../src/typescript/index.js';

function sourceOf(text: string) {
  return new Project({ useInMemoryFileSystem: true }).createSourceFile('/a.ts', text);
}

describe('applyChanges', () => {
  it('applies changes by their original offsets, whatever order they come in', () => {
    const file = sourceOf('const a = 1;\nconst b = 2;\n');
    applyChanges(file, [
      { start: 23, end: 24, text: '20' },
      { start: 10, end: 11, text: '10' },
    ]);
    expect(file.getFullText()).toBe('const a = 10;\nconst b = 20;\n');
  });

  it('keeps insertions at one offset in their listed order, and allows an insertion where a removal ends', () => {
    const file = sourceOf('f(a, b);\n');
    applyChanges(file, [
      { start: 6, end: 6, text: ', c' },
      { start: 6, end: 6, text: ', d' },
      { start: 3, end: 6, text: '' },
    ]);
    expect(file.getFullText()).toBe('f(a, c, d);\n');
  });

  it('refuses changes that edit one range twice, leaving the file as it was', () => {
    const file = sourceOf('f({ x: 1 });\n');
    expect(() => applyChanges(file, [{ start: 3, end: 9, text: '' }, { start: 8, end: 8, text: ', y: 2' }])).toThrow('overlapping source edits at offset 3');
    expect(file.getFullText()).toBe('f({ x: 1 });\n');
  });
});

describe('line helpers', () => {
  const text = 'a\n    bc\nd';
  it('find the line around a position and its indentation', () => {
    expect([lineStart(text, 7), lineEnd(text, 7), indentationAt(text, 7)]).toEqual([2, 8, '    ']);
    expect(lineEnd(text, 9)).toBe(text.length);
  });
});
