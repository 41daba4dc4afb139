-- The secretaries' own words for their 擂台 showcase (擂台展示): one free-text story per community,
-- written on the showcase page and printed into the slides, PDF, poster and web page.
-- No foreign key to communities, so the communities can be re-imported; analytics.showcase.set_story
-- checks that the community exists.
CREATE TABLE IF NOT EXISTS showcase_stories (
    community_id VARCHAR   PRIMARY KEY,
    story        VARCHAR   NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    updated_by   VARCHAR
);
