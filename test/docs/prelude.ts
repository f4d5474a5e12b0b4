/**
 * The setup every code block of the docs may use without repeating it (the guide's README
 * shows it). Only type-checked, never run: blocks import from here whatever they do not
 * declare themselves.
 */
import { createEngine, MetaData, Model, scopedSession, sessionmaker } from '../../src/index.js';

export const engine = createEngine('sqlite:///app.db');
export const metadata = new MetaData();
export const users = metadata.table('users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer(),
}));
export class User extends Model(users) {}
export const Session = sessionmaker({ bind: engine });
export const Scoped = scopedSession(Session);
/** A Session, for blocks that show calls on one. */
export const session = Session();
