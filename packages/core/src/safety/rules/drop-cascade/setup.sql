-- A schema of old tables, a typed table, and a table with an inheritance child.
CREATE SCHEMA archive;
CREATE TABLE archive.old_posts (id bigint PRIMARY KEY, title text);
CREATE TABLE archive.old_users (id bigint PRIMARY KEY, email text);
CREATE TYPE address AS (street text, city text);
CREATE TABLE addresses OF address;
CREATE TABLE events (id bigint, happened_at timestamptz);
CREATE TABLE events_2025 () INHERITS (events);
CREATE SCHEMA scratch;
-- Columns that go with what they depend on: a type, a domain, a collation, an extension's type,
-- a function a generated column calls, a type in another schema.
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE DOMAIN email AS text CHECK (VALUE LIKE '%@%');
CREATE COLLATION bytewise FROM "C";
CREATE EXTENSION citext;
CREATE FUNCTION slugify(text) RETURNS text IMMUTABLE LANGUAGE sql AS $$ SELECT lower(replace($1, ' ', '-')) $$;
CREATE TYPE archive.grade AS ENUM ('a', 'b');
-- Only defaults depend on these: CASCADE drops the default, not the column.
CREATE FUNCTION starting_points() RETURNS integer LANGUAGE sql AS $$ SELECT 10 $$;
CREATE SEQUENCE ticket_numbers;
CREATE TABLE profiles (
  id bigint PRIMARY KEY,
  handle text,
  mood mood,
  moods mood[],
  contact email,
  login citext,
  sort_name text COLLATE bytewise,
  slug text GENERATED ALWAYS AS (slugify(handle)) STORED,
  grade archive.grade,
  points integer DEFAULT starting_points(),
  ticket integer DEFAULT nextval('ticket_numbers')
);
CREATE VIEW profile_ids AS SELECT id FROM profiles;
CREATE TYPE unused_mood AS ENUM ('x');
CREATE TABLE readings (taken date, note text) PARTITION BY RANGE (taken);
CREATE TABLE readings_2025 PARTITION OF readings FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
