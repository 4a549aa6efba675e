-- Rebuilt, but under SHARE UPDATE EXCLUSIVE: reads and writes go on.
REINDEX INDEX CONCURRENTLY posts_title_idx;
