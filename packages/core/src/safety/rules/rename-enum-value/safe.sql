ALTER TYPE post_status ADD VALUE 'live';
