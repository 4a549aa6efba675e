ALTER TABLE "posts" DROP CONSTRAINT "posts_price_not_negative";
ALTER TABLE "audit" DROP CONSTRAINT "audit_user_id_fkey";
ALTER TABLE "audit" DROP COLUMN "user_id";
