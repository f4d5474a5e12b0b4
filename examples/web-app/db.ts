/**
 * The web app's database layer: the tables, the mapped classes, the session factory and the
 * scoped session. Nothing here connects: `main.ts` (or a test) binds the factory to an
 * engine at startup with `Session.configure({ bind })`, as SQLAlchemy applications do.
 */
import { MetaData, Model, scopedSession, sessionmaker } from '../../src/index.js'; // in an application: from 'athanor'

export const metadata = new MetaData();

export const userTable = metadata.table('web_users', (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  email: t.varchar(200).notNull().unique(),
  age: t.integer(),
}));

export const auditTable = metadata.table('web_audit', (t) => ({
  id: t.integer().primaryKey(),
  userId: t.integer('user_id').notNull(),
  action: t.varchar(20).notNull(),
}));

/** A user of the service. */
export class User extends Model(userTable) {}

/** One line of the audit trail, written in the same transaction as the change it records. */
export class AuditEntry extends Model(auditTable) {}

/**
 * Objects stay readable after commit, so a handler can answer with what it just saved
 * without another query (see the guide, chapter 7).
 */
export const Session = sessionmaker({ expireOnCommit: false });

/**
 * One Session per request. Outside a request there is no Session at all: a handler that
 * forgot its scope gets an error instead of a Session shared with every other request.
 */
export const Scoped = scopedSession(Session, { outsideScope: 'error' });
