CREATE TABLE "drafts" ("id" serial PRIMARY KEY, "title" text);
CREATE INDEX "drafts_title_idx" ON "drafts" ("title");
