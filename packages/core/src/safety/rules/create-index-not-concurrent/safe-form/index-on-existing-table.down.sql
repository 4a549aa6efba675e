DROP INDEX "posts_body_idx";
