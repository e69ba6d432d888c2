-- A SELECT on a table without EMIT CHANGES is a pull query: the table's current rows, once.
CREATE TABLE users (id STRING PRIMARY KEY, name STRING)
  WITH (kafka_topic='users', value_format='JSON', partitions=1);
INSERT INTO users (id, name) VALUES ('u1', 'Alice');
INSERT INTO users (id, name) VALUES ('u2', 'Bob');
INSERT INTO users (id, name) VALUES ('u1', 'Alicia');
SELECT * FROM users;
SELECT name FROM users WHERE id = 'u2';
