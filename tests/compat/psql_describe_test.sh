#!/usr/bin/env bash
# psql's \d TABLE against a running server (PG* set by with_server.py) over the schema in
# schema.sql. The expected outputs were taken from PostgreSQL 15.18 with the same schema.
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
source "$HERE/psql_lib.sh"

has '\d orders' '\d orders' \
  'Table "public.orders"' \
  " order_id    | bigint                   |           | not null | " \
  " customer_id | integer                  |           | not null | " \
  " amount      | numeric(12,2)            |           | not null | " \
  " note        | character varying(40)    |           |          | " \
  " placed_at   | timestamp with time zone |           |          | " \
  '"orders_pkey" PRIMARY KEY, btree (order_id)' \
  '"orders_placed_customer" btree (placed_at, customer_id)' \
  '"orders_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES customers(id)'
has '\d customers' '\d customers' \
  'Table "public.customers"' \
  " email      | character varying(120)      |           | not null | " \
  " created_at | timestamp without time zone |           | not null | " \
  '"customers_pkey" PRIMARY KEY, btree (id)' \
  '"customers_email_key" UNIQUE CONSTRAINT, btree (email)' \
  'TABLE "orders" CONSTRAINT "orders_customer_id_fkey" FOREIGN KEY (customer_id) REFERENCES customers(id)'
# expr::regclass prints the name, qualified when the schema is not on the search path.
same 'oid::regclass' "SELECT oid::regclass FROM pg_class WHERE relname IN ('orders', 'regions') ORDER BY 1" "      oid      
---------------
 orders
 sales.regions
(2 rows)
"
finish "psql describe"
