-- The tables taegis-magic's staging database creates, as its reference describes them:
-- investigation_evidence keyed on (id, investigation_id), search_queries keyed on id, both
-- WITHOUT ROWID, and llm_queries (natural-language searches, types comma-joined) keyed on id.
CREATE TABLE IF NOT EXISTS investigation_evidence (
    evidence_type TEXT,
    id TEXT,
    tenant_id TEXT,
    investigation_id TEXT,
    PRIMARY KEY (id, investigation_id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS search_queries (
    id TEXT,
    tenant_id TEXT,
    query TEXT,
    results_returned INT,
    total_results INT,
    inserted_time TEXT,
    PRIMARY KEY (id)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS llm_queries (
    id TEXT,
    query TEXT,
    ql TEXT,
    reason TEXT,
    types TEXT,
    status TEXT,
    inserted_time TEXT,
    PRIMARY KEY (id)
) WITHOUT ROWID;
