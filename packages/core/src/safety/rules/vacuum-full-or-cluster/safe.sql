-- Marks dead rows for reuse in place, under SHARE UPDATE EXCLUSIVE: reads and writes go on.
VACUUM (ANALYZE) posts;
