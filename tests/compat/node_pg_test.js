// node-postgres (npm "pg", pinned in tests/compat/node/package-lock.json): parameterized
// queries, named prepared statements, type parsing of results, array/JSON/bytea/date
// parameters, error codes, transactions and a pool. PG* variables come from with_server.py.
'use strict';
const path = require('path');
const { Client, Pool } = require(path.join(__dirname, 'node', 'node_modules', 'pg'));

const failures = [];
function check(cond, what) {
  if (!cond) {
    failures.push(what);
    console.error('FAIL: ' + what);
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

async function errorCode(client, sql, values) {
  try {
    await client.query(sql, values);
    return null;
  } catch (e) {
    return e.code;
  }
}

async function main() {
  const client = new Client({ ssl: false });
  await client.connect();

  // Parameters and result types.
  let r = await client.query('SELECT $1::int + $2::int AS sum, $3::text AS t', [1, 2, 'x y']);
  check(r.rows[0].sum === 3 && r.rows[0].t === 'x y', 'int parameters ' + JSON.stringify(r.rows));
  check(r.fields[0].dataTypeID === 23 && r.fields[1].dataTypeID === 25, 'field types ' + r.fields.map(f => f.dataTypeID));

  r = await client.query(
    "SELECT 42::int8 AS big, 2.50::numeric(5,2) AS num, 1.5::float8 AS dbl, true AS flag, NULL::int AS nothing," +
    " '2024-01-02 03:04:05+00'::timestamptz AS ts, '{\"a\": [1, 2]}'::json AS doc," +
    " ARRAY[1, 2, 3] AS ints, ARRAY['a', 'b c', NULL] AS texts, '\\x00ff'::bytea AS bin, DATE '2024-03-04' AS day");
  const row = r.rows[0];
  check(row.big === '42', 'int8 arrives as a string ' + typeof row.big);
  check(row.num === '2.50', 'numeric keeps its scale ' + row.num);
  check(row.dbl === 1.5 && row.flag === true && row.nothing === null, 'float8, bool, null');
  check(row.ts instanceof Date && row.ts.toISOString() === '2024-01-02T03:04:05.000Z', 'timestamptz ' + row.ts);
  check(same(row.doc, { a: [1, 2] }), 'json ' + JSON.stringify(row.doc));
  check(same(row.ints, [1, 2, 3]), 'int[] ' + JSON.stringify(row.ints));
  check(same(row.texts, ['a', 'b c', null]), 'text[] ' + JSON.stringify(row.texts));
  check(Buffer.isBuffer(row.bin) && row.bin.toString('hex') === '00ff', 'bytea ' + row.bin);
  check(row.day instanceof Date && row.day.getFullYear() === 2024 && row.day.getDate() === 4, 'date ' + row.day);

  // Parameters of every kind node-postgres serializes.
  r = await client.query('SELECT $1::int[] AS a, $2::text[] AS t, $3::json ->> \'k\' AS k, $4::bytea AS b,' +
                         ' $5::timestamptz AS ts, $6::bool AS f',
                         [[1, 2, 3], ['x', 'y,z', null], { k: 'v' }, Buffer.from([1, 2, 255]),
                          new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), false]);
  check(same(r.rows[0].a, [1, 2, 3]) && same(r.rows[0].t, ['x', 'y,z', null]), 'array parameters ' + JSON.stringify(r.rows[0]));
  check(r.rows[0].k === 'v', 'json parameter');
  check(r.rows[0].b.toString('hex') === '0102ff', 'bytea parameter');
  check(r.rows[0].ts.toISOString() === '2024-01-02T03:04:05.000Z', 'date parameter ' + r.rows[0].ts);
  check(r.rows[0].f === false, 'bool parameter');

  // DML with parameters, row counts, ANY over an array parameter.
  await client.query('DROP TABLE IF EXISTS node_items');
  await client.query('CREATE TABLE node_items (id int PRIMARY KEY, name text NOT NULL, price numeric(8,2))');
  r = await client.query('INSERT INTO node_items VALUES ($1, $2, $3), ($4, $5, $6)', [1, 'pen', '1.20', 2, 'ink', 3]);
  check(r.rowCount === 2 && r.command === 'INSERT', 'insert count ' + r.command + ' ' + r.rowCount);
  r = await client.query('UPDATE node_items SET price = price * 2 WHERE id = ANY($1)', [[1, 2]]);
  check(r.rowCount === 2, 'update count ' + r.rowCount);
  r = await client.query('SELECT name, price FROM node_items WHERE name = ANY($1::text[]) ORDER BY id', [['ink', 'pen']]);
  check(same(r.rows, [{ name: 'pen', price: '2.40' }, { name: 'ink', price: '6.00' }]), 'select rows ' + JSON.stringify(r.rows));

  // Named prepared statements, run again with other values.
  for (const id of [1, 2]) {
    r = await client.query({ name: 'item_by_id', text: 'SELECT name FROM node_items WHERE id = $1', values: [id] });
    check(r.rows.length === 1 && r.rows[0].name === (id === 1 ? 'pen' : 'ink'), 'prepared statement ' + id);
  }
  r = await client.query({ text: 'SELECT id, name FROM node_items ORDER BY id', rowMode: 'array' });
  check(same(r.rows, [[1, 'pen'], [2, 'ink']]), 'rowMode array ' + JSON.stringify(r.rows));

  // Errors carry PostgreSQL's SQLSTATE; the connection stays usable.
  check((await errorCode(client, 'SELECT 1 / 0')) === '22012', 'division by zero code');
  check((await errorCode(client, 'SELEC 1')) === '42601', 'syntax error code');
  check((await errorCode(client, 'INSERT INTO node_items VALUES ($1, $2, NULL)', [1, 'dup'])) === '23505', 'unique violation code');
  check((await errorCode(client, 'SELECT * FROM no_such_table')) === '42P01', 'undefined table code');
  check((await errorCode(client, 'SELECT $1::int', ['abc'])) === '22P02', 'invalid integer parameter code');

  // Transactions.
  await client.query('BEGIN');
  await client.query('INSERT INTO node_items VALUES (3, $1, 1)', ['tmp']);
  await client.query('ROLLBACK');
  r = await client.query('SELECT count(*)::int AS n FROM node_items');
  check(r.rows[0].n === 2, 'rollback undoes the insert');

  // A pool of concurrent clients.
  const pool = new Pool({ max: 4, ssl: false });
  const sums = await Promise.all([...Array(8).keys()].map(i =>
    pool.query('SELECT sum(x)::int AS s FROM generate_series(1, $1::int) AS g(x)', [i + 1]).then(q => q.rows[0].s)));
  check(same(sums, [1, 3, 6, 10, 15, 21, 28, 36]), 'pool results ' + JSON.stringify(sums));
  await pool.end();

  await client.query('DROP TABLE node_items');
  await client.end();
}

main().then(() => {
  if (failures.length) {
    console.error(failures.length + ' node-postgres check(s) failed');
    process.exit(1);
  }
  console.log('all node-postgres checks passed');
}, e => {
  console.error(e);
  process.exit(1);
});
