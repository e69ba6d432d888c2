-- GROUP BY over a join's rows, as ksqlDB runs it: clicks per user level (a stream-table join:
-- each click counts under the level its user had when it arrived), the same as a push query,
-- and SUMs over table-table LEFT JOINs, whose updates are subtracted before they are added.
SET 'auto.offset.reset' = 'earliest';
CREATE STREAM clicks (user_id STRING KEY, url STRING) WITH (kafka_topic='clicks', value_format='JSON', partitions=1);
CREATE TABLE users (user_id STRING PRIMARY KEY, level STRING) WITH (kafka_topic='users', value_format='JSON', partitions=1);
INSERT INTO users (ROWTIME, user_id, level) VALUES (0, 'ada', 'Gold');
INSERT INTO users (ROWTIME, user_id, level) VALUES (0, 'bob', 'Platinum');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (1000, 'ada', '/a');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (2000, 'bob', '/b');
INSERT INTO users (ROWTIME, user_id, level) VALUES (3000, 'ada', 'Platinum');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (4000, 'ada', '/c');
INSERT INTO clicks (ROWTIME, user_id, url) VALUES (5000, 'eve', '/d');
CREATE TABLE clicks_per_level AS SELECT u.level, COUNT(*) AS clicks FROM clicks c JOIN users u ON c.user_id = u.user_id GROUP BY u.level EMIT CHANGES;
SELECT * FROM clicks_per_level;
SELECT u.level, COUNT(*) AS clicks FROM clicks c LEFT JOIN users u ON c.user_id = u.user_id WINDOW TUMBLING (SIZE 1 MINUTE) GROUP BY u.level EMIT CHANGES;
CREATE TABLE t1 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='t1', value_format='JSON', partitions=1);
CREATE TABLE t2 (id BIGINT PRIMARY KEY, total INT) WITH (kafka_topic='t2', value_format='JSON', partitions=1);
INSERT INTO t1 (ROWTIME, id, total) VALUES (0, 0, 100);
INSERT INTO t2 (ROWTIME, id, total) VALUES (1, 0, 5);
INSERT INTO t2 (ROWTIME, id, total) VALUES (2, 0, 20);
CREATE TABLE sums AS SELECT t1.id, SUM(t2.total) AS total FROM t1 LEFT JOIN t2 ON t1.id = t2.id GROUP BY t1.id EMIT CHANGES;
PRINT SUMS FROM BEGINNING;
-- A joined row that changes group leaves its old group (subtract) before joining the new (add).
CREATE TABLE t3 (id BIGINT PRIMARY KEY, grp STRING, total INT) WITH (kafka_topic='t3', value_format='JSON', partitions=1);
INSERT INTO t3 (ROWTIME, id, grp, total) VALUES (0, 0, 'a', 100);
INSERT INTO t3 (ROWTIME, id, grp, total) VALUES (1, 1, 'a', 10);
INSERT INTO t3 (ROWTIME, id, grp, total) VALUES (3, 1, 'b', 10);
CREATE TABLE group_sums AS SELECT t3.grp, SUM(t3.total) AS total, COUNT(*) AS n FROM t3 LEFT JOIN t2 ON t3.id = t2.id GROUP BY t3.grp EMIT CHANGES;
PRINT GROUP_SUMS FROM BEGINNING;
