ALTER TABLE "posts" DROP COLUMN "editor_id",
DROP COLUMN "sort_key";
