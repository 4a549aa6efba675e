CLUSTER posts USING posts_author_idx;
