/**
 * Repositories: data access without lifecycle. Every function reaches the request's Session
 * through the scoped session, so functions called from one request share its Session, its
 * identity map and its transaction. They never commit or close: the request handler decides.
 */
import { AuditEntry, Scoped, User } from './db.js';

/** What a client may set on a user. */
export interface UserInput {
  name?: unknown;
  email?: unknown;
  age?: unknown;
}

/** Users. */
export const users = {
  /** All users, by id. */
  list(): Promise<User[]> {
    return Scoped.query(User).orderBy(User.c.id).all();
  },

  /** One user, or undefined. */
  byId(id: number): Promise<User | null> {
    return Scoped.get(User, id);
  },

  /** A new user, pending until the handler commits. */
  create(values: { name: string; email: string; age: number | null }): User {
    const user = new User(values);
    Scoped.add(user);
    return user;
  },

  /** Applies changes; the UPDATE holds only the columns that changed. */
  update(user: User, values: Partial<{ name: string; email: string; age: number | null }>): User {
    Object.assign(user, values);
    return user;
  },

  /** Marks a user for deletion. */
  remove(user: User): Promise<void> {
    return Scoped.delete(user);
  },
};

/** The audit trail. */
export const audit = {
  /** Records an action; flushed with the request's other changes, in its transaction. */
  record(userId: number, action: 'created' | 'updated' | 'deleted'): void {
    Scoped.add(new AuditEntry({ userId, action }));
  },

  /** The actions recorded for a user, oldest first. */
  forUser(userId: number): Promise<AuditEntry[]> {
    return Scoped.query(AuditEntry)
      .filter(AuditEntry.c.userId.eq(userId))
      .orderBy(AuditEntry.c.id)
      .all();
  },
};
