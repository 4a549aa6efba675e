BEGIN;
CREATE TYPE post_kind AS ENUM ('note');
ALTER TYPE post_kind ADD VALUE 'link';
COMMIT;
