-- Push queries over an aggregation (every update of every group, windowed or not) and over a
-- stream-table join, as the console runs them.
SET 'auto.offset.reset' = 'earliest';
CREATE STREAM clicks (user_id STRING KEY, url STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
CREATE TABLE users (user_id STRING PRIMARY KEY, level STRING) WITH (kafka_topic='users', value_format='JSON', partitions=1);
INSERT INTO users (ROWTIME, user_id, level) VALUES (0, 'ada', 'Platinum');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (1000, 'ada', '/a');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (2000, 'ada', '/b');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (61000, 'bob', '/c');
SELECT user_id, COUNT(*) AS n FROM clicks GROUP BY user_id EMIT CHANGES;
SELECT user_id, COUNT(*) AS n FROM clicks WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY user_id EMIT CHANGES;
SELECT c.user_id, url, level FROM clicks c LEFT JOIN users u ON c.user_id = u.user_id EMIT CHANGES;
