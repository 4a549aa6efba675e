ALTER DOMAIN unused_code ADD CONSTRAINT unused_code_upper CHECK (VALUE = upper(VALUE));
