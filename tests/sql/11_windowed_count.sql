-- A windowed aggregation: one count per user and per minute; the window is part of the key.
SET 'auto.offset.reset' = 'earliest';
CREATE STREAM clicks (user_id STRING KEY, url STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (1000, 'ada', '/a');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (2000, 'ada', '/b');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (61000, 'ada', '/c');
CREATE TABLE per_user AS SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id EMIT CHANGES;
SELECT * FROM per_user;
