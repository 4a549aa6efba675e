ALTER TYPE post_status RENAME VALUE 'published' TO 'live';
