-- The schema every compatibility suite introspects: two schemas, keys, a view, typed columns.
-- (DuckDB refuses foreign keys across schemas, so the keyed tables share one.)
CREATE SCHEMA IF NOT EXISTS sales;
CREATE TABLE customers (
  id integer PRIMARY KEY,
  email varchar(120) NOT NULL UNIQUE,
  name text,
  created_at timestamp NOT NULL
);
CREATE TABLE orders (
  order_id bigint PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id),
  amount numeric(12, 2) NOT NULL,
  note varchar(40),
  placed_at timestamptz
);
CREATE INDEX orders_placed_customer ON orders (placed_at, customer_id);
CREATE TABLE sales.regions (code varchar(8) PRIMARY KEY, name text NOT NULL);
CREATE VIEW sales.big_orders AS SELECT order_id, amount FROM public.orders WHERE amount > 100;
INSERT INTO customers VALUES (1, 'a@example.com', 'Ann', TIMESTAMP '2024-01-01 10:00:00');
INSERT INTO orders VALUES (10, 1, 250.00, 'first', TIMESTAMPTZ '2024-01-02 10:00:00+00');
INSERT INTO sales.regions VALUES ('emea', 'Europe');
