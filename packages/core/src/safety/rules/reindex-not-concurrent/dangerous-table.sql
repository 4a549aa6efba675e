-- Every index of posts, its TOAST table's included.
REINDEX TABLE posts;
