-- profiles.login goes with citext, the extension's type.
DROP EXTENSION citext CASCADE;
