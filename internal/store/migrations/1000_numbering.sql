-- Gapless document numbers (spec X-02): one counter row per series and
-- year. A number is taken by incrementing the row inside the transaction
-- that writes the document, so a rolled-back document gives its number
-- back and two documents never share one. Numbers are never reused:
-- voiding a document keeps its number on the document.
CREATE TABLE doc_counters (
    series TEXT NOT NULL,
    year INTEGER NOT NULL,
    last_no BIGINT NOT NULL,
    PRIMARY KEY (series, year)
);
