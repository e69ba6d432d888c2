-- A stream over a topic, a persistent query that filters and projects it, and a push query
-- that reads the result.
SET 'auto.offset.reset' = 'earliest';
CREATE STREAM pageviews (page_id BIGINT KEY, user_id STRING, view_ms BIGINT)
  WITH (kafka_topic='pageviews', value_format='JSON', partitions=1);
INSERT INTO pageviews (page_id, user_id, view_ms) VALUES (1, 'alice', 120);
INSERT INTO pageviews (page_id, user_id, view_ms) VALUES (2, 'bob', 4500);
INSERT INTO pageviews (ROWTIME, page_id, user_id, view_ms) VALUES (1600000001000, 3, 'carol', 9100);
CREATE STREAM slow_views AS
  SELECT page_id, UCASE(user_id) AS who, view_ms / 1000 AS seconds
  FROM pageviews
  WHERE view_ms > 1000;
SELECT * FROM slow_views EMIT CHANGES LIMIT 2;
PRINT 'SLOW_VIEWS' FROM BEGINNING;
