/**
 * Starts the web app: `npx tsx examples/web-app/main.ts` (SQLite file by default; set
 * DATABASE_URL for PostgreSQL or MariaDB, and PORT for the port).
 *
 *   curl -s localhost:3000/users -d '{"name":"Ann","email":"ann@example.com","age":30}'
 *   curl -s localhost:3000/users
 */
import { createEngine } from '../../src/index.js'; // in an application: from 'athanor'
import { metadata, Session } from './db.js';
import { createServer } from './server.js';

const engine = createEngine(process.env.DATABASE_URL ?? 'sqlite:///web-app.db', {
  poolSize: 10,
  poolPrePing: true,
});
Session.configure({ bind: engine });
await metadata.createAll(engine, { checkFirst: true });

const server = createServer();
const port = Number(process.env.PORT ?? 3000);
server.listen(port, '127.0.0.1', () => {
  console.log(`users service on http://127.0.0.1:${port}/users`);
});

const stop = () => {
  server.close(() => void engine.dispose());
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
