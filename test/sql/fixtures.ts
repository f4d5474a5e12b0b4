/** Tables shared by the compile tests. */
import { MetaData } from '../../src/sql/index.js';

export const metadata = new MetaData();

export const users = metadata.table('users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
  active: t.boolean().notNull().default(true),
  lastLogin: t.timestamp('last_login'),
}));

export const addresses = metadata.table('addresses', (t) => ({
  id: t.integer().primaryKey(),
  userId: t
    .integer('user_id')
    .notNull()
    .references(() => users.c.id, { onDelete: 'cascade' }),
  email: t.varchar(255).notNull(),
}));

/** Two foreign keys to users: joins need an explicit ON clause. */
export const messages = metadata.table('messages', (t) => ({
  id: t.integer().primaryKey(),
  senderId: t.integer('sender_id').references(() => users.c.id),
  recipientId: t.integer('recipient_id').references(() => users.c.id),
  body: t.text(),
}));

/** No foreign key to anything. */
export const tags = metadata.table('tags', (t) => ({
  id: t.integer().primaryKey(),
  label: t.varchar(50).notNull(),
}));

/** Columns named like JS built-ins and SQL reserved words. */
export const odd = metadata.table('order', (t) => ({
  constructor: t.integer().primaryKey(),
  name: t.text(),
  length: t.integer(),
  select: t.text('select'),
  toString: t.text('to_string'),
  mixedCase: t.text('MixedCase'),
}));
