import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from '../src/closest-name.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('books', 'books')).toBe(0);
    expect(editDistance('boks', 'books')).toBe(1);
    expect(editDistance('bookz', 'books')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });
});

describe('closestName', () => {
  it('picks the nearest candidate, ignoring case, the earlier one on a tie', () => {
    expect(closestName('boks', ['users', 'books', 'posts'])).toBe('books');
    expect(closestName('USERS', ['posts', 'users'])).toBe('users');
    expect(closestName('pots', ['posts', 'pets'])).toBe('posts');
  });

  it('offers nothing when every candidate is another name, not a typo', () => {
    expect(closestName('id', ['title', 'body'])).toBeUndefined();
    expect(closestName('comments', ['users', 'posts'])).toBeUndefined();
    expect(closestName('anything', [])).toBeUndefined();
  });

  it('allows more edits in longer names, and honours an explicit limit', () => {
    expect(closestName('organisation_members', ['organization_member'])).toBe('organization_member');
    expect(closestName('shadwo-urls', ['shadow-url'], { maxDistance: 2 })).toBeUndefined();
  });
});

describe('didYouMean', () => {
  it('is a clause to append, or empty', () => {
    expect(didYouMean('psots', ['users', 'posts'])).toBe('; did you mean "posts"?');
    expect(didYouMean('zzz', ['users', 'posts'])).toBe('');
  });
});
