-- AlterTable, as Prisma writes it: every new column of a table in one statement
ALTER TABLE "posts" ADD COLUMN     "editor_id" INTEGER,
ADD COLUMN     "sort_key" DOUBLE PRECISION NOT NULL DEFAULT random();
