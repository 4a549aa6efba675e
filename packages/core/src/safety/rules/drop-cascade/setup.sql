-- A schema of old tables, a typed table, and a table with an inheritance child.
CREATE SCHEMA archive;
CREATE TABLE archive.old_posts (id bigint PRIMARY KEY, title text);
CREATE TABLE archive.old_users (id bigint PRIMARY KEY, email text);
CREATE TYPE address AS (street text, city text);
CREATE TABLE addresses OF address;
CREATE TABLE events (id bigint, happened_at timestamptz);
CREATE TABLE events_2025 () INHERITS (events);
CREATE SCHEMA scratch;
