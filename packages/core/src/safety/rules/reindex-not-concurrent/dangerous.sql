REINDEX INDEX posts_title_idx;
