CREATE INDEX "posts_body_idx" ON "posts" USING btree ("body");
