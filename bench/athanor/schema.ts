/** The benchmark table as Athanor describes it (the DDL itself is the raw side's, see `Admin`). */
import { TABLE } from '../side.js';
import { athanor } from './lib.js';

/** The MetaData holding the benchmark table. */
export const metadata = new athanor.MetaData();

/** `bench_users_<pid>(id integer primary key, name text not null, age integer not null, email text not null)`. */
export const users = metadata.table(TABLE, (t) => ({
  id: t.integer().primaryKey(),
  name: t.text().notNull(),
  age: t.integer().notNull(),
  email: t.text().notNull(),
}));
