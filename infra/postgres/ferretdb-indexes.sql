-- Indexes PostgreSQL can use for the queries FerretDB 1.24 sends. Applied by scripts/infra to the
-- `ferretdb` database on every `up` (idempotent); docs/performance.md explains why.
--
-- FerretDB pushes an equality on a field down as `_jsonb -> 'field' @> value` (a dotted field as
-- `_jsonb #> '{a,b}' @> value`), but the indexes it creates for createIndex are btree indexes on
-- `(_jsonb -> 'field')`, which cannot serve `@>`: every such query was a sequential scan that
-- detoasted every document of the collection. Here every btree index FerretDB creates on a collection
-- table gets a GIN (jsonb_path_ops) sibling per key, on the path in the form the pushdown uses, except
-- `_id`: the patched FerretDB filters on it as `_jsonb->'_id' = value` (infra/ferretdb/
-- id-equality-pushdown.patch), which its unique btree index serves. Event
-- triggers add it in the same transaction as FerretDB's CREATE INDEX and drop it with the last btree
-- index on its path, so the siblings stay in step with the services' createIndex calls and
-- migrations, and go with the table when a collection or database is dropped. FerretDB passes the
-- field name as a query parameter, so the planner can match the expression only in a custom plan,
-- which it keeps choosing for those statements (postgresql.conf, plan_cache_mode).
--
-- A btree index FerretDB makes then serves nothing but a unique constraint or the `_id` equality:
-- every other one (non-unique, on other fields) would only be written to by every insert and update
-- of its table (a booking's 21 indexes made its update cost 0.78 ms). Such an index is replaced, under
-- the same name and definition, by one restricted to `WHERE false`: PostgreSQL keeps no entry in it,
-- FerretDB still finds it to drop, and its GIN siblings stay (they are asked for by its keys).

-- The GIN index (name and expression) that serves FerretDB's pushdown for each key of a btree index
-- FerretDB made: its keys are chains `_jsonb -> 'a' -> 'b'`; anything else is not FerretDB's and is skipped.
SET client_min_messages = warning;

CREATE OR REPLACE FUNCTION ferretdb_pushdown_indexes_for(index_oid oid)
RETURNS TABLE (table_oid oid, gin_name text, expression text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  table_name text;
  column_count int;
  definition text;
  path text[];
  chain text;
BEGIN
  SELECT i.indrelid, i.indnkeyatts, c.relname INTO table_oid, column_count, table_name
  FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
  WHERE i.indexrelid = index_oid;
  IF table_oid IS NULL THEN RETURN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = table_oid AND attname = '_jsonb' AND NOT attisdropped) THEN RETURN; END IF;
  IF (SELECT a.amname FROM pg_class c JOIN pg_am a ON a.oid = c.relam WHERE c.oid = index_oid) <> 'btree' THEN RETURN; END IF;

  FOR k IN 1..column_count LOOP
    definition := pg_get_indexdef(index_oid, k, true);
    SELECT array_agg(replace(m[1], '''''', '''') ORDER BY n) INTO path
    FROM regexp_matches(definition, '''((?:[^'']|'''')*)''::text', 'g') WITH ORDINALITY AS t(m, n);
    IF path IS NULL THEN CONTINUE; END IF;
    chain := '_jsonb';
    FOR p IN 1..array_length(path, 1) LOOP
      chain := '(' || chain || ' -> ' || quote_literal(path[p]) || '::text)';
    END LOOP;
    IF chain <> definition THEN CONTINUE; END IF;
    -- FerretDB (id-equality-pushdown.patch) filters on _id as `_jsonb->'_id' = value`: its btree serves it.
    IF path = ARRAY['_id'] THEN CONTINUE; END IF;
    IF array_length(path, 1) = 1 THEN
      expression := '(_jsonb -> ' || quote_literal(path[1]) || '::text)';
    ELSE
      expression := '(_jsonb #> ' || quote_literal(path::text) || '::text[])';
    END IF;
    gin_name := left(table_name, 40) || '_' || left(md5(expression), 12) || '_gin';
    RETURN NEXT;
  END LOOP;
END;
$$;

CREATE OR REPLACE FUNCTION ferretdb_pushdown_index_create(index_oid oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  wanted record;
BEGIN
  FOR wanted IN SELECT * FROM ferretdb_pushdown_indexes_for(index_oid) LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %s USING gin (%s jsonb_path_ops)',
      wanted.gin_name, wanted.table_oid::regclass, wanted.expression);
  END LOOP;
END;
$$;

-- Whether an index is a btree FerretDB made that no query of FerretDB's can use: not unique, not
-- partial already, not on `_id`, on a table of FerretDB's (one with its `_jsonb` column).
CREATE OR REPLACE FUNCTION ferretdb_btree_unused(index_oid oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT NOT i.indisunique AND i.indpred IS NULL AND am.amname = 'btree'
    AND pg_get_indexdef(i.indexrelid, 1, true) <> '(_jsonb -> ''_id''::text)'
    AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid AND a.attname = '_jsonb' AND NOT a.attisdropped)
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
  WHERE i.indexrelid = index_oid;
$$;

-- Replaces such an index by the same one restricted to `WHERE false` (kept empty). Its siblings are made
-- by the trigger of that CREATE INDEX; a sibling another index asks for stays through the drop.
CREATE OR REPLACE FUNCTION ferretdb_btree_empty(index_oid oid) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  definition text := pg_get_indexdef(index_oid);
BEGIN
  EXECUTE format('DROP INDEX %s', index_oid::regclass);
  EXECUTE definition || ' WHERE false';
END;
$$;

CREATE OR REPLACE FUNCTION ferretdb_pushdown_index_on_create() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
  command record;
BEGIN
  FOR command IN SELECT objid FROM pg_event_trigger_ddl_commands() WHERE command_tag = 'CREATE INDEX' AND object_type = 'index' LOOP
    IF ferretdb_btree_unused(command.objid) THEN
      PERFORM ferretdb_btree_empty(command.objid);
    ELSE
      PERFORM ferretdb_pushdown_index_create(command.objid);
    END IF;
  END LOOP;
END;
$$;

-- Drops the siblings in these schemas that no btree index of their table asks for (any more).
CREATE OR REPLACE FUNCTION ferretdb_pushdown_index_drop_unwanted(schemas name[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  orphan record;
BEGIN
  FOR orphan IN
    SELECT format('%I.%I', ns.nspname, gc.relname) AS name
    FROM pg_index gin
    JOIN pg_class gc ON gc.oid = gin.indexrelid
    JOIN pg_am ga ON ga.oid = gc.relam AND ga.amname = 'gin'
    JOIN pg_namespace ns ON ns.oid = gc.relnamespace
    WHERE gc.relname LIKE '%\_gin'
      AND ns.nspname = ANY (schemas)
      AND gc.relname NOT IN (
        SELECT w.gin_name FROM pg_index bt, LATERAL ferretdb_pushdown_indexes_for(bt.indexrelid) w
        WHERE bt.indrelid = gin.indrelid
      )
  LOOP
    EXECUTE format('DROP INDEX IF EXISTS %s', orphan.name);
  END LOOP;
END;
$$;

-- After FerretDB's dropIndexes: a sibling that no remaining btree index of its table asks for goes too.
CREATE OR REPLACE FUNCTION ferretdb_pushdown_index_on_drop() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ferretdb_pushdown_index_drop_unwanted(ARRAY(
    SELECT DISTINCT schema_name::name FROM pg_event_trigger_dropped_objects() WHERE object_type = 'index'
  ));
END;
$$;

DROP EVENT TRIGGER IF EXISTS ferretdb_pushdown_indexes;
CREATE EVENT TRIGGER ferretdb_pushdown_indexes ON ddl_command_end WHEN TAG IN ('CREATE INDEX')
  EXECUTE FUNCTION ferretdb_pushdown_index_on_create();

DROP EVENT TRIGGER IF EXISTS ferretdb_pushdown_indexes_gc;
CREATE EVENT TRIGGER ferretdb_pushdown_indexes_gc ON sql_drop WHEN TAG IN ('DROP INDEX')
  EXECUTE FUNCTION ferretdb_pushdown_index_on_drop();

-- Indexes made before this file was applied (an existing INFRA_HOME) get their siblings now, lose
-- those this file no longer asks for (the _id siblings of earlier versions), and are kept empty when
-- no query can use them.
DO $$
BEGIN
  PERFORM ferretdb_pushdown_index_drop_unwanted(ARRAY(
    SELECT nspname FROM pg_namespace WHERE nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast')
  ));
  PERFORM ferretdb_btree_empty(i.indexrelid)
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast') AND ferretdb_btree_unused(i.indexrelid);
  PERFORM ferretdb_pushdown_index_create(i.indexrelid)
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'public', 'pg_toast');
END;
$$;
