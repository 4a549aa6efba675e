ALTER DOMAIN public.star_rating SET NOT NULL;
