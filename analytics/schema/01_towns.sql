-- The district's hierarchy above the grids: 区 → 街镇 (town) → 片区网格 → 居民区. A database holds one
-- district's towns (闵行区, analytics.core.hierarchy); the default database holds 江川路街道 alone, and a
-- database made before the hierarchy existed gains it here: every grid belongs to 江川路街道 unless a
-- district world or a district import says otherwise. `simulated` marks a town whose structure and facts
-- are invented for the district demo (only 江川路街道's facts are public).
CREATE TABLE IF NOT EXISTS towns (
    town_code VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL UNIQUE,
    name_en   VARCHAR NOT NULL,
    simulated BOOLEAN NOT NULL DEFAULT FALSE,
    lon       DOUBLE CHECK (lon BETWEEN -180 AND 180),
    lat       DOUBLE CHECK (lat BETWEEN -90 AND 90)
);

ALTER TABLE grids ADD COLUMN IF NOT EXISTS town_code VARCHAR DEFAULT '310112001';

INSERT INTO towns (town_code, name, name_en, simulated)
SELECT '310112001', '江川路街道', 'Jiangchuan Road Subdistrict', FALSE
WHERE NOT EXISTS (SELECT 1 FROM towns WHERE town_code = '310112001');
