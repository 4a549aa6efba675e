import { MigrationInterface, QueryRunner } from "typeorm";

export class Init1795500000000 implements MigrationInterface {
    name = 'Init1795500000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "tags" ("id" SERIAL NOT NULL, "name" character varying(50) NOT NULL, "slug" character varying(60) NOT NULL, CONSTRAINT "UQ_d90243459a697eadb8ad56e9092" UNIQUE ("name"), CONSTRAINT "UQ_b3aa10c29ea4e61a830362bd25a" UNIQUE ("slug"), CONSTRAINT "PK_e7dc17249a1148a1970748eda99" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TABLE "users" ("id" SERIAL NOT NULL, "email" character varying(320) NOT NULL, "display_name" text NOT NULL, "bio" text, "is_admin" boolean NOT NULL DEFAULT false, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_97672ac88f789774dd47f7c8be3" UNIQUE ("email"), CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE TYPE "public"."post_status" AS ENUM('draft', 'published', 'archived')`);
        await queryRunner.query(`CREATE TABLE "posts" ("id" SERIAL NOT NULL, "author_id" integer NOT NULL, "title" character varying(200) NOT NULL, "body" text NOT NULL, "status" "public"."post_status" NOT NULL DEFAULT 'draft', "reading_minutes" integer, "metadata" jsonb, "published_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_2829ac61eff60fcec60d7274b9e" PRIMARY KEY ("id"))`);
        await queryRunner.query(`CREATE INDEX "posts_author_id_idx" ON "posts"  ("author_id") `);
        await queryRunner.query(`CREATE INDEX "posts_status_published_at_idx" ON "posts"  ("status", "published_at") `);
        await queryRunner.query(`CREATE TABLE "posts_to_tags" ("post_id" integer NOT NULL, "tag_id" integer NOT NULL, CONSTRAINT "PK_89646ada10c110a1c96acad1107" PRIMARY KEY ("post_id", "tag_id"))`);
        await queryRunner.query(`CREATE INDEX "IDX_4fede66bf1e683b5a16c155efb" ON "posts_to_tags"  ("post_id") `);
        await queryRunner.query(`CREATE INDEX "IDX_cd9f385a325d54dc3094ec811f" ON "posts_to_tags"  ("tag_id") `);
        await queryRunner.query(`ALTER TABLE "posts" ADD CONSTRAINT "FK_312c63be865c81b922e39c2475e" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
        await queryRunner.query(`ALTER TABLE "posts_to_tags" ADD CONSTRAINT "FK_4fede66bf1e683b5a16c155efba" FOREIGN KEY ("post_id") REFERENCES "posts"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
        await queryRunner.query(`ALTER TABLE "posts_to_tags" ADD CONSTRAINT "FK_cd9f385a325d54dc3094ec811f4" FOREIGN KEY ("tag_id") REFERENCES "tags"("id") ON DELETE CASCADE ON UPDATE CASCADE`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "posts_to_tags" DROP CONSTRAINT "FK_cd9f385a325d54dc3094ec811f4"`);
        await queryRunner.query(`ALTER TABLE "posts_to_tags" DROP CONSTRAINT "FK_4fede66bf1e683b5a16c155efba"`);
        await queryRunner.query(`ALTER TABLE "posts" DROP CONSTRAINT "FK_312c63be865c81b922e39c2475e"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_cd9f385a325d54dc3094ec811f"`);
        await queryRunner.query(`DROP INDEX "public"."IDX_4fede66bf1e683b5a16c155efb"`);
        await queryRunner.query(`DROP TABLE "posts_to_tags"`);
        await queryRunner.query(`DROP INDEX "public"."posts_status_published_at_idx"`);
        await queryRunner.query(`DROP INDEX "public"."posts_author_id_idx"`);
        await queryRunner.query(`DROP TABLE "posts"`);
        await queryRunner.query(`DROP TYPE "public"."post_status"`);
        await queryRunner.query(`DROP TABLE "users"`);
        await queryRunner.query(`DROP TABLE "tags"`);
    }

}
