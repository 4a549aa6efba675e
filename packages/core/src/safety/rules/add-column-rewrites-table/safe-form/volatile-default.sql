ALTER TABLE "posts" ADD COLUMN "uid" uuid DEFAULT gen_random_uuid() NOT NULL;
