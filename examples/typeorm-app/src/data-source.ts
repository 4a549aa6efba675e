import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { Comment } from './entities/Comment';
import { Post } from './entities/Post';
import { Tag } from './entities/Tag';
import { User } from './entities/User';

/** The application's connection; `typeorm migration:run -d src/data-source.ts` and typeorm-ai read it. */
export const AppDataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL ?? 'postgres://localhost:5432/blog',
  entities: [User, Post, Comment, Tag],
  migrations: ['src/migrations/*.ts'],
  synchronize: false,
});
