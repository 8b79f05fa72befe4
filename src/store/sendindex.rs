//! The send-log rows one batch needs, fetched in a few queries and held in memory so the pure
//! resolver can look them up ([`SendLookup`]).

use std::collections::HashMap;

use sqlx::SqliteConnection;

use crate::resolve::{Clues, SendHit, SendLookup};

/// For each key, one hit per distinct recipient up to two (two already means "ambiguous").
#[derive(Debug, Default)]
pub(crate) struct SendIndex {
    by_id: HashMap<String, Vec<SendHit>>,
    by_unsubscribe: HashMap<String, Vec<SendHit>>,
    by_feedback: HashMap<String, Vec<SendHit>>,
    /// (message_id, recipient) → (campaign, list), to label events with their campaign.
    pairs: HashMap<(String, String), (Option<String>, Option<String>)>,
}

type Aggregate = (String, String, String, Option<String>, Option<String>);

const BY_MESSAGE_ID: &str = "select message_id, min(recipient), max(recipient), campaign, list from sends \
     where message_id in (select value from json_each(?1)) group by message_id";
const BY_UNSUBSCRIBE: &str = "select unsubscribe_token, min(recipient), max(recipient), campaign, list from sends \
     where unsubscribe_token in (select value from json_each(?1)) group by unsubscribe_token";
const BY_FEEDBACK: &str = "select feedback_id, min(recipient), max(recipient), campaign, list from sends \
     where feedback_id in (select value from json_each(?1)) group by feedback_id";
const PAIRS: &str = "select s.message_id, s.recipient, s.campaign, s.list from json_each(?1) as j \
     join sends as s on s.message_id = j.value ->> 0 and s.recipient = j.value ->> 1";

impl SendIndex {
    /// Loads what resolving `clues` and labelling `pairs` (message id, recipient) needs.
    pub(crate) async fn load(
        conn: &mut SqliteConnection,
        clues: &[&Clues],
        pairs: &[(&str, &str)],
    ) -> Result<SendIndex, sqlx::Error> {
        let mut index = SendIndex::default();
        let ids: Vec<&str> = clues.iter().filter_map(|c| c.original_message_id.as_deref()).collect();
        let unsubscribe: Vec<&str> = clues.iter().flat_map(|c| c.unsubscribe_tokens.iter().map(String::as_str)).collect();
        let feedback: Vec<&str> = clues.iter().flat_map(|c| c.feedback_ids.iter().map(String::as_str)).collect();
        index.by_id = aggregate(conn, BY_MESSAGE_ID, &ids).await?;
        index.by_unsubscribe = aggregate(conn, BY_UNSUBSCRIBE, &unsubscribe).await?;
        index.by_feedback = aggregate(conn, BY_FEEDBACK, &feedback).await?;
        if !pairs.is_empty() {
            let json = serde_json::to_string(pairs).unwrap_or_default();
            let rows: Vec<(String, String, Option<String>, Option<String>)> =
                sqlx::query_as(PAIRS).bind(json).fetch_all(&mut *conn).await?;
            for (id, recipient, campaign, list) in rows {
                index.pairs.insert((id, recipient.to_lowercase()), (campaign, list));
            }
        }
        Ok(index)
    }

    /// Campaign and list of the send of `message_id` to `recipient`, if logged.
    pub(crate) fn campaign_of(&self, message_id: &str, recipient: &str) -> Option<&(Option<String>, Option<String>)> {
        self.pairs.get(&(message_id.to_owned(), recipient.to_lowercase()))
    }
}

async fn aggregate(
    conn: &mut SqliteConnection,
    sql: &'static str,
    keys: &[&str],
) -> Result<HashMap<String, Vec<SendHit>>, sqlx::Error> {
    let mut map = HashMap::new();
    if keys.is_empty() {
        return Ok(map);
    }
    let json = serde_json::to_string(keys).unwrap_or_default();
    let rows: Vec<Aggregate> = sqlx::query_as(sql).bind(json).fetch_all(&mut *conn).await?;
    for (key, first, last, campaign, list) in rows {
        let mut hits = vec![SendHit { recipient: first.to_lowercase(), campaign: campaign.clone(), list: list.clone() }];
        if !first.eq_ignore_ascii_case(&last) {
            hits.push(SendHit { recipient: last.to_lowercase(), campaign, list });
        }
        map.insert(key, hits);
    }
    Ok(map)
}

impl SendLookup for SendIndex {
    fn by_message_id(&self, message_id: &str) -> Vec<SendHit> {
        self.by_id.get(message_id).cloned().unwrap_or_default()
    }
    fn by_unsubscribe_token(&self, token: &str) -> Vec<SendHit> {
        self.by_unsubscribe.get(token).cloned().unwrap_or_default()
    }
    fn by_feedback_id(&self, feedback_id: &str) -> Vec<SendHit> {
        self.by_feedback.get(feedback_id).cloned().unwrap_or_default()
    }
}
