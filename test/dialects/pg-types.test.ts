import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/create-engine.js';
import type { Engine } from '../../src/engine/engine.js';
import {
  dateToPgUtc,
  parseTimestampUtc,
  withUtcDates,
} from '../../src/dialects/postgresql/types.js';
import { MetaData, insert, select } from '../../src/sql/index.js';
import { text } from '../../src/sql/text.js';
import { serverDatabase } from '../helpers/databases.js';

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v);

describe('parseTimestampUtc', () => {
  it('reads the wall time as UTC, with 0 to 6 fraction digits truncated to milliseconds', () => {
    expect(iso(parseTimestampUtc('2024-03-10 02:30:00'))).toBe('2024-03-10T02:30:00.000Z');
    expect(iso(parseTimestampUtc('2024-03-10 02:30:00.5'))).toBe('2024-03-10T02:30:00.500Z');
    expect(iso(parseTimestampUtc('2024-03-10 02:30:00.12'))).toBe('2024-03-10T02:30:00.120Z');
    expect(iso(parseTimestampUtc('2024-03-10 02:30:00.123'))).toBe('2024-03-10T02:30:00.123Z');
    expect(iso(parseTimestampUtc('2024-03-10 02:30:00.123999'))).toBe('2024-03-10T02:30:00.123Z');
  });

  it('keeps years 0-99, years past 9999 and BC years exact', () => {
    expect(iso(parseTimestampUtc('0050-06-01 00:00:00'))).toBe('0050-06-01T00:00:00.000Z');
    expect(iso(parseTimestampUtc('10000-01-01 00:00:00'))).toBe('+010000-01-01T00:00:00.000Z');
    // 1 BC is year 0, 44 BC is year -43.
    expect(iso(parseTimestampUtc('0001-01-01 00:00:00 BC'))).toBe('0000-01-01T00:00:00.000Z');
    expect(iso(parseTimestampUtc('0044-03-15 12:00:00.25 BC'))).toBe('-000043-03-15T12:00:00.250Z');
  });

  it('maps infinity like pg does and returns text of another shape unchanged', () => {
    expect(parseTimestampUtc('infinity')).toBe(Infinity);
    expect(parseTimestampUtc('-infinity')).toBe(-Infinity);
    expect(parseTimestampUtc('03/10/2024 02:30:00')).toBe('03/10/2024 02:30:00');
  });
});

describe('Dates sent to pg', () => {
  it('are UTC text, with the BC form and five-digit years PostgreSQL reads', () => {
    expect(dateToPgUtc(new Date('2024-03-10T02:30:00.125Z'))).toBe('2024-03-10T02:30:00.125Z');
    const bc = new Date(0);
    bc.setUTCFullYear(-43, 2, 15);
    expect(dateToPgUtc(bc)).toBe('0044-03-15T00:00:00.000+00:00 BC');
    expect(dateToPgUtc(new Date('+010000-01-01T00:00:00Z'))).toBe('10000-01-01T00:00:00.000+00:00');
    const invalid = new Date(NaN);
    expect(dateToPgUtc(invalid)).toBe(invalid);
  });

  it('are replaced in a copy of the parameters, inside arrays too; lists without Dates are kept', () => {
    const d = new Date('2024-01-02T03:04:05.006Z');
    const params = [1, 'x', null, d, [d, null]];
    const out = withUtcDates(params);
    expect(out).toEqual([1, 'x', null, d.toISOString(), [d.toISOString(), null]]);
    expect(params[3]).toBe(d);
    const plain = [1, 'x', Buffer.from('a'), [2]];
    expect(withUtcDates(plain)).toBe(plain);
  });
});

const db = serverDatabase('postgresql');

describe.skipIf(db.url === undefined)('PostgreSQL date and time values on postgresql', () => {
  const T = 'dia_pgtypes_events';
  const metadata = new MetaData();
  const events = metadata.table(T, (t) => ({
    id: t.integer().primaryKey(),
    at: t.timestamp(),
    day: t.date(),
  }));
  let engine: Engine;
  let savedTz: string | undefined;

  beforeAll(async () => {
    // A zone with a DST gap at 2024-03-10 02:00–03:00: local-time parsing would move 02:30.
    savedTz = process.env.TZ;
    process.env.TZ = 'America/Los_Angeles';
    engine = createEngine(db.url as string);
    await engine.begin(async (c) => {
      await c.execute(text(`DROP TABLE IF EXISTS ${T}`));
      await c.execute(
        text(`CREATE TABLE ${T} (id INTEGER PRIMARY KEY, at TIMESTAMP(3), day DATE)`),
      );
    });
  });

  afterAll(async () => {
    await engine.begin(async (c) => void (await c.execute(text(`DROP TABLE IF EXISTS ${T}`))));
    await engine.dispose();
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('text() reads timestamp as a UTC Date and date as text, whatever the process time zone', async () => {
    const conn = await engine.connect();
    try {
      const row = (
        await conn.execute(
          text(
            "SELECT '2024-03-10 02:30:00.125'::timestamp AS ts, '2024-03-10'::date AS d, " +
              "'2024-03-10 02:30:00+00'::timestamptz AS tz, " +
              "ARRAY['2024-03-10 02:30:00'::timestamp, NULL] AS tsa, " +
              "ARRAY['2024-03-10'::date, '1999-12-31'::date] AS da",
          ),
        )
      ).one();
      expect(iso(row.ts)).toBe('2024-03-10T02:30:00.125Z');
      expect(row.d).toBe('2024-03-10');
      expect(iso(row.tz)).toBe('2024-03-10T02:30:00.000Z');
      expect((row.tsa as unknown[]).map(iso)).toEqual(['2024-03-10T02:30:00.000Z', null]);
      expect(row.da).toEqual(['2024-03-10', '1999-12-31']);
    } finally {
      await conn.close();
    }
  });

  it('a bound Date in a DST gap round-trips through a timestamp column, buffered and streamed', async () => {
    const at = new Date('2024-03-10T02:30:00.000Z');
    await engine.begin(async (c) => {
      await c.execute(insert(events).values({ id: 1, at, day: '2024-03-10' }));
    });
    const conn = await engine.connect();
    try {
      const row = (await conn.execute(select(events).where(events.c.id.eq(1)))).one();
      expect(row.at).toEqual(at);
      expect(row.day).toBe('2024-03-10');
      const streamed = await (
        await conn.stream(text(`SELECT at, day FROM ${T} WHERE id = :id`), { id: 1 })
      ).one();
      expect(streamed.at).toEqual(at);
      expect(streamed.day).toBe('2024-03-10');
    } finally {
      await conn.close();
    }
  });

  it('a Date bound through text() into timestamp and timestamptz reads back as the same instant', async () => {
    const at = new Date('2024-03-10T02:30:00.250Z');
    const conn = await engine.connect();
    try {
      await conn.execute(text(`INSERT INTO ${T} (id, at) VALUES (:id, :at)`), { id: 2, at });
      const row = (
        await conn.execute(
          text(
            `SELECT at, at::text AS wall, CAST(:at AS timestamptz) AS tz, ` +
              `CAST(:list AS timestamp[]) AS list FROM ${T} WHERE id = 2`,
          ),
          { at, list: [at] },
        )
      ).one();
      expect(row.at).toEqual(at);
      // Stored as the UTC wall time, not the process's local one.
      expect(row.wall).toBe('2024-03-10 02:30:00.25');
      expect(row.tz).toEqual(at);
      expect(row.list).toEqual([at]);
      const streamed = await (
        await conn.stream(text(`SELECT id FROM ${T} WHERE at = :at`), { at })
      )
        .scalars()
        .all();
      expect(streamed).toEqual([2]);
      await conn.rollback();
    } finally {
      await conn.close();
    }
  });

  it("leaves pg's process-wide parsers alone for other pg users", async () => {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const r = await client.query("SELECT '2024-01-15 12:00:00'::timestamp AS ts");
      const ts = (r.rows[0] as { ts: Date }).ts;
      // pg's default: the wall time read in the process's local zone.
      expect(ts).toBeInstanceOf(Date);
      expect(ts.getHours()).toBe(12);
      expect(ts.toISOString()).toBe('2024-01-15T20:00:00.000Z');
    } finally {
      await client.end();
    }
  });
});
