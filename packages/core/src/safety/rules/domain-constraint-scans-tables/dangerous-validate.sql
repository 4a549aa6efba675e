ALTER DOMAIN rating VALIDATE CONSTRAINT rating_nonnegative;
