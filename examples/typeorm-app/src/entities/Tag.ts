import { Column, Entity, ManyToMany, PrimaryGeneratedColumn } from 'typeorm';
import { Post } from './Post';

@Entity('tags')
export class Tag {
  @PrimaryGeneratedColumn()
  id: number;

  /** Display name, e.g. "Node.js". */
  @Column({ type: 'varchar', length: 50, unique: true })
  name: string;

  /** URL form of the name, e.g. "node-js". */
  @Column({ type: 'varchar', length: 60, unique: true })
  slug: string;

  @ManyToMany(() => Post, (post) => post.tags)
  posts: Post[];
}
