BEGIN;
ALTER TYPE post_status ADD VALUE 'archived';
COMMIT;
