-- profiles.mood and profiles.moods (an array of mood) go with the type.
DROP TYPE mood CASCADE;
