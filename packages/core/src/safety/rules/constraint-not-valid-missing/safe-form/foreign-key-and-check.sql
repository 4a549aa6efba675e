-- AddForeignKey, as Prisma writes it
ALTER TABLE "audit" ADD COLUMN "user_id" integer;
ALTER TABLE "audit" ADD CONSTRAINT "audit_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "posts" ADD CONSTRAINT "posts_price_not_negative" CHECK ("price" >= 0);
