//! One decode per source record for the persistent queries that read the same topic with the
//! same decoder (the same source): the first of them to read a record decodes it (the union of
//! the columns they need), keeps the row here, and each reader takes a copy of the columns it
//! needs; the last one takes the row itself.
//!
//! Each query still reads at its own offsets: a record that is not here (a query ahead of or
//! behind the others, a batch larger than [`MAX_ROWS`], a record that failed to decode) is
//! decoded by the reader itself, as without sharing, so a bad record is logged once per query as
//! before. Rows are kept for one [`super::Engine::run_until_idle`] call at most.

use super::queries::PersistentQuery;
use crate::log::Record;
use crate::sql::operators::source::{passes_key, SourceDecoder};
use crate::sql::operators::state::{state_map, StateMap};
use crate::sql::operators::{ProcessingLog, Row, RowPool};
use crate::sql::value::Value;
use std::collections::hash_map::Entry;

/// Rows kept per group at most (two partitions' batches): past that, readers decode their own.
const MAX_ROWS: usize = 2 * 1024;

/// The groups of queries sharing decodes, and the rows decoded for them.
#[derive(Debug, Default)]
pub struct SharedDecodes {
    /// The queries (by id, in order) the groups were computed for.
    query_ids: Vec<String>,
    /// Per query (same order): its group, if it shares one.
    group_of: Vec<Option<usize>>,
    groups: Vec<DecodeGroup>,
}

/// Queries reading one topic through equal decoders.
#[derive(Debug)]
pub struct DecodeGroup {
    /// The value columns any member needs (see `Pipeline::needed_values`).
    needed: u64,
    /// Every member passes its records' key bytes: the key may stay NULL.
    pass_keys: bool,
    n_members: u32,
    /// Decoded rows by (partition, offset), with how many members have not read them yet.
    rows: StateMap<(u32, u64), (Row, u32)>,
    /// Buffers for the rows decoded here.
    pool: RowPool,
}

/// What one reader asks of a decode: its value columns and whether it passes keys.
#[derive(Clone, Copy, Debug)]
pub struct Reader {
    pub needed: u64,
    pub pass_key: bool,
}

impl SharedDecodes {
    /// Recomputes the groups when the running queries changed since the last call (and sets
    /// each query's key passing, which depends only on its pipeline and sink).
    pub fn refresh(&mut self, queries: &mut [PersistentQuery]) {
        if self.query_ids.len() == queries.len()
            && self.query_ids.iter().zip(queries.iter()).all(|(id, q)| *id == q.id)
        {
            return;
        }
        self.query_ids = queries.iter().map(|q| q.id.clone()).collect();
        self.group_of = vec![None; queries.len()];
        self.groups.clear();
        // Representatives of the groups: (query index, group index).
        let mut leaders: Vec<(usize, usize)> = Vec::new();
        for idx in 0..queries.len() {
            let Some(query) = queries.get_mut(idx) else { continue };
            let sink = &query.sink_writer;
            query
                .pipeline
                .pass_keys_to(&sink.key_format, &sink.key_columns, sink.window_key.is_some());
            let Some(query) = queries.get(idx) else { continue };
            let reader = query.pipeline.reader();
            let same = leaders.iter().find(|(leader, _)| {
                queries.get(*leader).is_some_and(|other| {
                    other.pipeline.source_topic == query.pipeline.source_topic
                        && same_decoder(&other.pipeline.decoder, &query.pipeline.decoder)
                })
            });
            match same {
                Some(&(_, group_idx)) => {
                    if let Some(group) = self.groups.get_mut(group_idx) {
                        group.needed |= reader.needed;
                        group.pass_keys &= reader.pass_key;
                        group.n_members += 1;
                    }
                    if let Some(slot) = self.group_of.get_mut(idx) {
                        *slot = Some(group_idx);
                    }
                }
                None => {
                    leaders.push((idx, self.groups.len()));
                    if let Some(slot) = self.group_of.get_mut(idx) {
                        *slot = Some(self.groups.len());
                    }
                    self.groups.push(DecodeGroup {
                        needed: reader.needed,
                        pass_keys: reader.pass_key,
                        n_members: 1,
                        rows: state_map(),
                        pool: RowPool::default(),
                    });
                }
            }
        }
        // A group of one shares nothing.
        for slot in &mut self.group_of {
            if slot.and_then(|g| self.groups.get(g)).is_some_and(|group| group.n_members < 2) {
                *slot = None;
            }
        }
    }

    /// The group of query `idx` (its index in the list given to [`SharedDecodes::refresh`]).
    pub fn group_mut(&mut self, idx: usize) -> Option<&mut DecodeGroup> {
        let group = (*self.group_of.get(idx)?)?;
        self.groups.get_mut(group)
    }

    /// Per query: how many queries share its decodes (`None`: it decodes alone).
    #[cfg(test)]
    pub fn members(&self) -> Vec<Option<u32>> {
        self.group_of
            .iter()
            .map(|g| g.and_then(|g| self.groups.get(g)).map(|group| group.n_members))
            .collect()
    }

    /// Forgets the rows kept (at the start and end of a run).
    pub fn clear(&mut self) {
        for group in &mut self.groups {
            if !group.rows.is_empty() {
                for (_, (row, _)) in group.rows.drain() {
                    group.pool.put(row.values);
                }
            }
        }
    }
}

/// Whether two decoders read a record into the same row.
fn same_decoder(a: &SourceDecoder, b: &SourceDecoder) -> bool {
    a.kind == b.kind
        && a.key_format == b.key_format
        && a.value_format == b.value_format
        && a.key_columns == b.key_columns
        && a.value_columns() == b.value_columns()
        && a.timestamp == b.timestamp
        && a.window == b.window
}

impl DecodeGroup {
    /// `record` as `decoder` would decode it for `reader` (into a buffer of `pool`): from the
    /// row another member decoded, or decoded here for the group.
    pub fn decode(
        &mut self,
        decoder: &SourceDecoder,
        record: &Record,
        reader: Reader,
        log: &mut ProcessingLog,
        pool: &mut RowPool,
    ) -> Option<Row> {
        let at = (record.partition, record.offset);
        let full = self.rows.len() >= MAX_ROWS;
        // One lookup per record and reader.
        match self.rows.entry(at) {
            Entry::Occupied(mut kept) => {
                let (row, remaining) = kept.get_mut();
                *remaining = remaining.saturating_sub(1);
                if *remaining > 0 {
                    return Some(copy_for(decoder, row, record, reader, pool));
                }
                // The last member to read it takes the row; its pool gives a buffer back.
                let (row, _) = kept.remove();
                self.pool.put(pool.take(0));
                Some(row)
            }
            Entry::Vacant(slot) => {
                let capacity = decoder.row_capacity();
                let buffer = self.pool.take(capacity);
                let row = decoder.decode_in(record, log, self.needed, buffer, self.pass_keys)?;
                if full || self.n_members < 2 {
                    return Some(row);
                }
                let copy = copy_for(decoder, &row, record, reader, pool);
                slot.insert((row, self.n_members - 1));
                Some(copy)
            }
        }
    }
}

/// The columns of `row` that `reader` reads, in a buffer of `pool`; NULL elsewhere, as the
/// decoder leaves them for it (a passed key, value columns it does not need).
fn copy_for(decoder: &SourceDecoder, row: &Row, record: &Record, reader: Reader, pool: &mut RowPool) -> Row {
    let n_keys = decoder.key_columns.len();
    let n_values = decoder.value_columns().len();
    let kept = decoder.kept_values(reader.needed);
    let key_passed = reader.pass_key && record.key.as_deref().is_some_and(passes_key);
    let mut values = pool.take(row.values.len());
    let (keys, rest) = row.values.split_at(n_keys.min(row.values.len()));
    let (columns, pseudo) = rest.split_at(n_values.min(rest.len()));
    if key_passed {
        values.extend(keys.iter().map(|_| Value::Null));
    } else {
        values.extend_from_slice(keys);
    }
    for (idx, value) in columns.iter().enumerate() {
        let keep = u32::try_from(idx)
            .ok()
            .and_then(|bit| 1u64.checked_shl(bit))
            .is_none_or(|bit| kept & bit != 0);
        values.push(if keep { value.clone() } else { Value::Null });
    }
    values.extend_from_slice(pseudo);
    Row {
        values,
        ..*row
    }
}
