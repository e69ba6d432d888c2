-- expect: error
CREATE STREAM clicks (user_id STRING, url STRING) WITH (value_format='JSON');
