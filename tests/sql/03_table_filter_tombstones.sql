-- Filtering a table: a row that stops passing the filter becomes a tombstone downstream.
SET 'auto.offset.reset' = 'earliest';
CREATE TABLE balances (account STRING PRIMARY KEY, amount INT)
  WITH (kafka_topic='balances', value_format='JSON', partitions=1);
CREATE TABLE rich AS SELECT account, amount FROM balances WHERE amount >= 100;
INSERT INTO balances (account, amount) VALUES ('a-1', 150);
INSERT INTO balances (account, amount) VALUES ('a-2', 20);
INSERT INTO balances (account, amount) VALUES ('a-1', 40);
PRINT 'RICH' FROM BEGINNING;
SELECT * FROM rich EMIT CHANGES;
