-- expect: error
CREATE TABLE users (id STRING PRIMARY KEY, name STRING)
  WITH (kafka_topic='users', value_format='JSON', partitions=1);
SELECT * FROM users;
