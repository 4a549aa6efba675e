import { Column, CreateDateColumn, Entity, Index, JoinColumn, JoinTable, ManyToMany, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Comment } from './Comment';
import { Tag } from './Tag';
import { User } from './User';

/** Lifecycle of a post. Only `published` posts are shown on the public site. */
export enum PostStatus {
  Draft = 'draft',
  Published = 'published',
  Archived = 'archived',
}

@Entity('posts')
// Serves the home page feed: published posts, newest first.
@Index('posts_status_published_at_idx', ['status', 'publishedAt'])
export class Post {
  @PrimaryGeneratedColumn()
  id: number;

  @Index('posts_author_id_idx')
  @Column({ name: 'author_id', type: 'integer' })
  authorId: number;

  // Deleting a user deletes their posts (and, through posts, their comments).
  @ManyToOne(() => User, (user) => user.posts, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'author_id' })
  author: User;

  @Column({ type: 'varchar', length: 200 })
  title: string;

  /** Markdown source; rendered at read time. */
  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'enum', enum: PostStatus, enumName: 'post_status', default: PostStatus.Draft })
  status: PostStatus;

  @Column({ name: 'reading_minutes', type: 'integer', nullable: true })
  readingMinutes: number | null;

  @Column({ type: 'jsonb', nullable: true })
  metadata: Record<string, unknown> | null;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @OneToMany(() => Comment, (comment) => comment.post)
  comments: Comment[];

  @ManyToMany(() => Tag, (tag) => tag.posts)
  @JoinTable({ name: 'posts_to_tags', joinColumn: { name: 'post_id' }, inverseJoinColumn: { name: 'tag_id' } })
  tags: Tag[];
}
