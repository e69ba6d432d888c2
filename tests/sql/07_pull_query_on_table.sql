-- A table is the latest value per key: a pull query (no EMIT CHANGES) reads it once, while a
-- push query (EMIT CHANGES) shows every change of its changelog.
SET 'auto.offset.reset' = 'earliest';
CREATE TABLE users (id STRING PRIMARY KEY, name STRING, city STRING)
  WITH (kafka_topic='users', value_format='JSON', partitions=1);
INSERT INTO users VALUES ('u1', 'Ada', 'London');
INSERT INTO users VALUES ('u2', 'Grace', 'New York');
INSERT INTO users VALUES ('u1', 'Ada', 'Paris');
SELECT * FROM users;
SELECT name FROM users WHERE city = 'Paris';
SELECT * FROM users EMIT CHANGES;
