-- addresses is a table of type address: its column city goes with the attribute.
ALTER TYPE address DROP ATTRIBUTE city CASCADE;
