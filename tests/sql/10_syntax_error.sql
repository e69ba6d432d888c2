-- expect: error
CREATE STREAM s (id INT KEY, v STRING) WITH (kafka_topic='s', value_format='JSON', partitions=1);
SELECT id, FROM s EMIT CHANGES;
