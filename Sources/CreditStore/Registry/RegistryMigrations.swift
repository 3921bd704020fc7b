import Foundation

extension Migration {
    /// The subject registry: departments, persons, entities, their versions and roles, name search.
    static let registry: [Migration] = [
        Migration(
            1,
            "create the department list",
            both: ["CREATE TABLE departments (code TEXT PRIMARY KEY, name TEXT NOT NULL, registered_at TEXT NOT NULL)"]
        ),
        Migration(
            2,
            // Identity numbers are stored encrypted (AES-GCM, with the key id) and found by their HMAC;
            // the masked form is kept for display. See PersonalDataKeys.
            "create the registry of persons, entities, their versions and roles",
            sqlite: [
                "CREATE TABLE persons (id INTEGER PRIMARY KEY, id_number_hmac TEXT NOT NULL UNIQUE, id_number_enc TEXT NOT NULL, id_number_masked TEXT NOT NULL, name TEXT NOT NULL)",
                """
                CREATE TABLE entities (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, search_name TEXT NOT NULL,
                kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL, industry_division TEXT NOT NULL,
                established_on TEXT NOT NULL, legal_rep_id INTEGER NOT NULL REFERENCES persons(id), version INTEGER NOT NULL,
                updated_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE entity_versions (entity_id INTEGER NOT NULL REFERENCES entities(id), version INTEGER NOT NULL,
                name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL, industry_division TEXT NOT NULL,
                established_on TEXT NOT NULL, legal_rep_id INTEGER NOT NULL REFERENCES persons(id), recorded_at TEXT NOT NULL, reason TEXT,
                PRIMARY KEY (entity_id, version))
                """,
                """
                CREATE TABLE entity_roles (id INTEGER PRIMARY KEY, entity_id INTEGER NOT NULL REFERENCES entities(id),
                person_id INTEGER NOT NULL REFERENCES persons(id), role TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT)
                """,
                "CREATE INDEX entity_roles_by_entity ON entity_roles (entity_id)",
                "CREATE INDEX entity_roles_by_person ON entity_roles (person_id)",
            ],
            postgres: [
                "CREATE TABLE persons (id BIGSERIAL PRIMARY KEY, id_number_hmac TEXT NOT NULL UNIQUE, id_number_enc TEXT NOT NULL, id_number_masked TEXT NOT NULL, name TEXT NOT NULL)",
                """
                CREATE TABLE entities (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE, name TEXT NOT NULL, search_name TEXT NOT NULL,
                name_grams TEXT[] NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL,
                industry_division TEXT NOT NULL, established_on TEXT NOT NULL, legal_rep_id BIGINT NOT NULL REFERENCES persons(id),
                version INTEGER NOT NULL, updated_at TEXT NOT NULL)
                """,
                """
                CREATE TABLE entity_versions (entity_id BIGINT NOT NULL REFERENCES entities(id), version INTEGER NOT NULL,
                name TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL, region_code TEXT NOT NULL, industry_division TEXT NOT NULL,
                established_on TEXT NOT NULL, legal_rep_id BIGINT NOT NULL REFERENCES persons(id), recorded_at TEXT NOT NULL, reason TEXT,
                PRIMARY KEY (entity_id, version))
                """,
                """
                CREATE TABLE entity_roles (id BIGSERIAL PRIMARY KEY, entity_id BIGINT NOT NULL REFERENCES entities(id),
                person_id BIGINT NOT NULL REFERENCES persons(id), role TEXT NOT NULL, starts_on TEXT NOT NULL, ends_on TEXT)
                """,
                "CREATE INDEX entity_roles_by_entity ON entity_roles (entity_id)",
                "CREATE INDEX entity_roles_by_person ON entity_roles (person_id)",
            ]
        ),
        Migration(
            3,
            "index entity names by two-character grams for Chinese substring search",
            sqlite: [
                // A contentless FTS5 table whose "words" are the name's overlapping two-character grams:
                // a phrase of consecutive grams is exactly a substring, for fragments of 2 or more characters.
                "CREATE VIRTUAL TABLE entity_name_index USING fts5(grams, content='', tokenize='unicode61')"
            ],
            postgres: [
                "CREATE INDEX entities_name_grams ON entities USING GIN (name_grams)"
            ]
        ),
        Migration(
            5,
            "cover entity ids with their search names so PostgreSQL's name search probes and walks without the heap",
            sqlite: [],
            postgres: ["CREATE INDEX entities_id_search_name ON entities (id) INCLUDE (search_name)"]
        ),
        Migration(
            11,
            "store persons' phone numbers sealed, with an HMAC to find them and a masked form to show",
            both: [
                "ALTER TABLE persons ADD COLUMN phone_hmac TEXT",
                "ALTER TABLE persons ADD COLUMN phone_enc TEXT",
                "ALTER TABLE persons ADD COLUMN phone_masked TEXT",
                "CREATE INDEX persons_phone ON persons (phone_hmac)",
            ]
        ),
        Migration(
            20,
            // Which entities a department registers is the city's configuration (NULL: decided by its name).
            "let the city say which registration authorities each department stands for",
            both: ["ALTER TABLE departments ADD COLUMN registers TEXT"]
        ),
    ]
}
