-- Four indexes no query reads: nothing looks messages up by their own Message-ID, their original
-- Message-ID or their kind, nor events by their original Message-ID (complaints are resolved
-- against the send log's and unresolved_complaints' own indexes; the report joins events to the
-- send log by `sends.message_id`). Each was one more random-key B-tree for every ingested message
-- to update, which is most of what made ingest slow down as the database grew.
drop index if exists messages_message_id;
drop index if exists messages_original_message_id;
drop index if exists messages_kind;
drop index if exists events_original_message_id;
