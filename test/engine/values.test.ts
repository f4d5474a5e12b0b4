import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../src/errors.js';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import { sql, text } from '../../src/sql/text.js';
import { allDatabases } from '../helpers/databases.js';

const T = 'eng_val_things';

const TYPES = {
  sqlite: { text: 'TEXT', blob: 'BLOB', big: 'INTEGER', bool: 'INTEGER', ts: 'TEXT' },
  postgresql: { text: 'TEXT', blob: 'BYTEA', big: 'BIGINT', bool: 'BOOLEAN', ts: 'TIMESTAMPTZ(3)' },
  mariadb: {
    text: 'LONGTEXT',
    blob: 'LONGBLOB',
    big: 'BIGINT',
    bool: 'BOOLEAN',
    ts: 'DATETIME(3)',
  },
} as const;

const HOSTILE = [
  "O'Brien",
  "'; DROP TABLE eng_val_things; --",
  'Robert"); DROP TABLE students;--',
  'back\\slash \\\' \\" \\0 \\n',
  '%_ LIKE wildcards %_',
  ':name and ? and $1 and @x',
  '`backtick` "double" [bracket]',
  'emoji 🎉 ünïcödé 中文',
  '\n\r\t',
  '',
];

for (const db of allDatabases()) {
  describe.skipIf(db.url === undefined)(`values pass as data on ${db.name}`, () => {
    let engine: Engine;
    const ty = TYPES[db.name];

    beforeAll(async () => {
      engine = createEngine(db.url as string);
      await engine.begin(async (c) => {
        await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
        await c.execute(
          text(
            `CREATE TABLE ${T} (id INTEGER PRIMARY KEY, s ${ty.text}, b ${ty.blob}, big ${ty.big}, ` +
              `flag ${ty.bool}, ts ${ty.ts})`,
          ),
        );
      });
    });

    afterAll(async () => {
      await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
      await engine.dispose();
    });

    it('injection-shaped strings are stored and read back unchanged, by text() and sql``', async () => {
      await engine.begin(async (c) => {
        await c.execute(text(`DELETE FROM ${T}`));
        await c.execute(
          text(`INSERT INTO ${T} (id, s) VALUES (:id, :s)`),
          HOSTILE.map((s, i) => ({ id: i + 1, s })),
        );
        for (const [i, s] of HOSTILE.entries()) {
          await c.execute(sql`INSERT INTO ${sql.identifier(T)} (id, s) VALUES (${100 + i}, ${s})`);
        }
      });
      const c = await engine.connect();
      const rows = (await c.execute(text(`SELECT id, s FROM ${T} ORDER BY id`))).all();
      expect(rows.map((r) => r.s)).toEqual([...HOSTILE, ...HOSTILE]);
      for (const s of HOSTILE) {
        const found = await c.scalar(text(`SELECT count(*) FROM ${T} WHERE s = :s`), { s });
        expect(Number(found)).toBe(2);
      }
      await c.close();
    });

    it('a 1 MB string round-trips', async () => {
      const big = 'abc\'"\\'.repeat(174763).slice(0, 1024 * 1024);
      await engine.begin(async (c) => {
        await c.execute(text(`DELETE FROM ${T}`));
        await c.execute(text(`INSERT INTO ${T} (id, s) VALUES (1, :s)`), { s: big });
      });
      const c = await engine.connect();
      const back = (await c.scalar(text(`SELECT s FROM ${T} WHERE id = 1`))) as string;
      expect(back.length).toBe(big.length);
      expect(back === big).toBe(true);
      await c.close();
    });

    it('NUL bytes round-trip in a blob', async () => {
      const bytes = Buffer.from([0, 1, 0, 255, 0, 39, 92, 0]);
      await engine.begin(async (c) => {
        await c.execute(text(`DELETE FROM ${T}`));
        await c.execute(text(`INSERT INTO ${T} (id, b) VALUES (1, :b)`), { b: bytes });
        await c.execute(text(`INSERT INTO ${T} (id, b) VALUES (2, :b)`), {
          b: new Uint8Array(bytes),
        });
      });
      const c = await engine.connect();
      const rows = (await c.execute(text(`SELECT b FROM ${T} ORDER BY id`))).scalars().all();
      expect(rows.map((b) => Buffer.from(b as Uint8Array).equals(bytes))).toEqual([true, true]);
      await c.close();
    });

    it('a NUL byte in text is stored as data, or refused cleanly where the database cannot store it', async () => {
      const c = await engine.connect();
      const s = 'before\0after';
      if (db.name === 'postgresql') {
        const err = await c
          .execute(text(`INSERT INTO ${T} (id, s) VALUES (7, :s)`), { s })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(DataError);
        expect((err as DataError).sqlState).toBe('22021');
      } else {
        await c.execute(text(`INSERT INTO ${T} (id, s) VALUES (7, :s)`), { s });
        expect(await c.scalar(text(`SELECT s FROM ${T} WHERE id = 7`))).toBe(s);
      }
      await c.close();
    });

    it('booleans, Dates, bigints and nulls go in as the driver needs them', async () => {
      const at = new Date('2024-05-06T07:08:09.123Z');
      const big = 9007199254740993n; // beyond Number.MAX_SAFE_INTEGER
      await engine.begin(async (c) => {
        await c.execute(text(`DELETE FROM ${T}`));
        await c.execute(
          text(`INSERT INTO ${T} (id, flag, ts, big, s) VALUES (1, :f, :at, :big, :s)`),
          {
            f: true,
            at,
            big,
            s: null,
          },
        );
        await c.execute(text(`INSERT INTO ${T} (id, flag, big) VALUES (2, :f, :big)`), {
          f: false,
          big: 42,
        });
      });
      const c = await engine.connect();
      const [one, two] = (
        await c.execute(text(`SELECT flag, ts, big, s FROM ${T} ORDER BY id`))
      ).all();
      expect([true, 1]).toContain(one!.flag);
      expect([false, 0]).toContain(two!.flag);
      expect(one!.s).toBeNull();
      expect(two!.big).toBe(42);
      if (db.name === 'sqlite') {
        // SQLite stores the ISO text; integers come back as numbers unless safeIntegers is on.
        expect(one!.ts).toBe('2024-05-06T07:08:09.123Z');
      } else {
        expect((one!.ts as Date).toISOString()).toBe(at.toISOString());
        expect(one!.big).toBe(big);
      }
      await c.close();
    });
  });
}

describe('SQLite integers beyond 2^53', () => {
  it('come back exactly as bigint by default, and small ones as number', async () => {
    const engine = createEngine('sqlite://');
    const c = await engine.connect();
    await c.execute(text('CREATE TABLE big (id INTEGER PRIMARY KEY, n INTEGER)'));
    await c.execute(text('INSERT INTO big (id, n) VALUES (1, :n), (2, 7)'), {
      n: 9007199254740993n,
    });
    const rows = (await c.execute(text('SELECT id, n FROM big ORDER BY id'))).all();
    expect(rows.map((r) => [...r])).toEqual([
      [1, 9007199254740993n],
      [2, 7],
    ]);
    const sum = await c.scalar(text('SELECT sum(n) FROM big'));
    expect(sum).toBe(9007199254741000n);
    const back = (
      await c.execute(text('UPDATE big SET n = n + 1 WHERE id = 1 RETURNING n'))
    ).scalar();
    expect(back).toBe(9007199254740994n);
    const streamed = await (await c.stream(text('SELECT n FROM big ORDER BY id'))).scalars().all();
    expect(streamed).toEqual([9007199254740994n, 7]);
    await c.close();
    await engine.dispose();
  });

  it('safeIntegers: true reads 64-bit integers always; false reads (lossy) doubles', async () => {
    for (const [safeIntegers, expected] of [
      [true, 9007199254740993n],
      [false, 9007199254740992],
    ] as const) {
      const engine = createEngine('sqlite://', { connectArgs: { safeIntegers } });
      const c = await engine.connect();
      const row = (await c.execute(text('SELECT 9007199254740993 AS big, 5 AS small'))).one();
      expect(row.big).toBe(expected);
      expect(row.small).toBe(5);
      await c.close();
      await engine.dispose();
    }
  });
});
