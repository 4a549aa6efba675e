CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
CLUSTER tags USING tags_pkey;
