//! The log: each topic's partitions as lanes of records (offset, key, value preview), newest on
//! the right. A lane puts in the DOM only the cells its width shows, whatever the partition
//! holds; new cells animate in. Consumer groups' committed offsets are drawn as cursors, with
//! their lag; a moving log start shows retention at work. With a table row selected, the cells
//! that built it and its versions in the changelog topic are lit (provenance).

use super::store::{key_hue, Lit, RecordRef, SandboxAction};
use crate::clock::Millis;
use crate::world::view::{RecordPage, RecordView};
use yew::prelude::*;

#[derive(Clone, Debug, PartialEq)]
pub struct CursorView {
    pub group: String,
    pub committed: Option<u64>,
    pub lag: u64,
    pub paused: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LaneView {
    pub partition: u32,
    /// True when the lane follows the tail; false when the learner paged back.
    pub following: bool,
    pub n_segments: usize,
    pub page: RecordPage,
    pub cursors: Vec<CursorView>,
    /// The timestamp of the animation frame that appended the newest record (for the page
    /// benchmark: `data-appended-at`).
    pub appended_at: Option<f64>,
    /// Cells of the page lit by the selected row's provenance, by offset.
    pub lit: Vec<(u64, Lit)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct TopicLanes {
    pub name: String,
    pub cleanup_policy: String,
    pub retention_ms: Option<Millis>,
    pub lanes: Vec<LaneView>,
}

#[derive(Properties, PartialEq)]
pub struct LogViewProps {
    pub topics: Vec<TopicLanes>,
    /// Virtual ms per wall ms: a record animates in only when records arrive slower than the
    /// eye can follow (an animation restarted every frame is work and noise).
    pub speed: f64,
    /// The selected row's provenance, said in words (its cells are lit).
    #[prop_or_default]
    pub lineage_note: Option<String>,
    pub dispatch: Callback<SandboxAction>,
}

#[function_component(LogView)]
pub fn log_view(props: &LogViewProps) -> Html {
    let root = use_node_ref();
    {
        // Fit the lanes to their width: measured when the lanes appear and when the window is
        // resized (never every frame: reading a width forces a layout).
        let (root, dispatch) = (root.clone(), props.dispatch.clone());
        use_effect_with(props.topics.len(), move |_| {
            let fit = move || {
                if let Some(n) = cells_that_fit(&root) {
                    dispatch.emit(SandboxAction::FitLanes(n));
                }
            };
            fit();
            let listener = web_sys::window().map(|window| gloo::events::EventListener::new(&window, "resize", move |_| fit()));
            move || drop(listener)
        });
    }
    if props.topics.is_empty() {
        return html! { <p class="muted">{ "No topics yet: add a producer or CREATE STREAM." }</p> };
    }
    let clear = props.dispatch.reform(|_: MouseEvent| SandboxAction::SelectLineage(None));
    html! {
        <div class="log-view" ref={root}>
            if let Some(note) = &props.lineage_note {
                <p class="provenance log-provenance">
                    <span class="lit-mark" aria-hidden="true">{ "● " }</span>{ note.clone() }
                    { " " }<button class="link" onclick={clear}>{ "clear" }</button>
                </p>
            }
            { for props.topics.iter().map(|topic| html! {
                <Topic key={topic.name.clone()} topic={topic.clone()} speed={props.speed} dispatch={props.dispatch.clone()} />
            }) }
        </div>
    }
}

/// How many cells the first lane shows: its width over a cell's width and the gap, plus one for
/// the cell cut at the left edge and one for a cursor badge. `None` when no lane is drawn.
fn cells_that_fit(root: &NodeRef) -> Option<usize> {
    use wasm_bindgen::JsCast;
    let root = root.cast::<web_sys::Element>()?;
    let lane = root.query_selector(".lane-cells").ok()??;
    let width = f64::from(lane.client_width());
    let cell = root.query_selector(".cell").ok()?.and_then(|c| c.dyn_into::<web_sys::HtmlElement>().ok());
    // A cell is 7.6rem wide (static/app.css) and the gap 3 px; 122 px at 16 px to the rem.
    let pitch = cell.map_or(122.0, |c| f64::from(c.offset_width())) + 3.0;
    (width > 0.0 && pitch > 3.0).then(|| ((width / pitch).ceil() as usize).saturating_add(2))
}

#[derive(Properties, PartialEq)]
struct TopicProps {
    topic: TopicLanes,
    speed: f64,
    dispatch: Callback<SandboxAction>,
}

#[function_component(Topic)]
fn topic(props: &TopicProps) -> Html {
    let topic = &props.topic;
    let retention = topic.retention_ms.map_or("retention: forever".to_string(), |ms| format!("retention {}", duration_text(ms)));
    let n_records: u64 = topic.lanes.iter().map(|l| l.page.log_end.saturating_sub(l.page.log_start)).sum();
    html! {
        <div class="topic" data-topic={topic.name.clone()}>
            <div class="topic-head">
                <h3 class="topic-name">{ &topic.name }</h3>
                <span class="topic-meta">
                    { format!("{} partition{} · {} · cleanup {} · {} offsets held", topic.lanes.len(),
                              if topic.lanes.len() == 1 { "" } else { "s" }, retention, topic.cleanup_policy, n_records) }
                </span>
            </div>
            { for topic.lanes.iter().map(|lane| html! {
                <Lane key={lane.partition} topic={topic.name.clone()} lane={lane.clone()} speed={props.speed} dispatch={props.dispatch.clone()} />
            }) }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct LaneProps {
    topic: String,
    lane: LaneView,
    speed: f64,
    dispatch: Callback<SandboxAction>,
}

#[function_component(Lane)]
fn lane(props: &LaneProps) -> Html {
    let lane = &props.lane;
    let page = &lane.page;
    let first_shown = page.records.first().map_or(page.from_offset, |r| r.offset);
    let page_size = page.records.len().max(1) as u64;
    let (topic, partition) = (props.topic.clone(), lane.partition);
    let older = {
        let topic = topic.clone();
        let from = first_shown.saturating_sub(page_size).max(page.log_start);
        props.dispatch.reform(move |_: MouseEvent| SandboxAction::PageLane { topic: topic.clone(), partition, from: Some(from) })
    };
    let newer = {
        let topic = topic.clone();
        let from = page.next_offset;
        let at_end = from >= page.log_end;
        props.dispatch.reform(move |_: MouseEvent| SandboxAction::PageLane { topic: topic.clone(), partition, from: (!at_end).then_some(from) })
    };
    let live = {
        let topic = topic.clone();
        props.dispatch.reform(move |_: MouseEvent| SandboxAction::PageLane { topic: topic.clone(), partition, from: None })
    };
    let starts_at_log_start = first_shown <= page.log_start && page.log_start > 0;
    // Animate the newest record when it came at least a quarter of a wall second after the one
    // before it (or is alone).
    let mut newest_two = page.records.iter().rev().map(|r| r.timestamp);
    let animate = match (newest_two.next(), newest_two.next()) {
        (Some(newest), Some(previous)) => (newest.saturating_sub(previous) as f64) / props.speed.max(1.0) >= 250.0,
        _ => true,
    };
    html! {
        <div class={classes!("lane", (!lane.following).then_some("paged"))} data-partition={lane.partition.to_string()}
             data-appended-at={lane.appended_at.map(|at| format!("{at:.3}"))}>
            <div class="lane-label">
                <span class="lane-partition">{ format!("P{}", lane.partition) }</span>
                <span class={classes!("lane-offsets", (page.log_start > 0).then_some("trimmed"))}
                      title="Log start offset … log end offset (retention and compaction move the start)">
                    { format!("{}{} … {}", if page.log_start > 0 { "✂" } else { "" }, page.log_start, page.log_end) }
                </span>
                <span class="lane-nav">
                    <button class="icon" onclick={older} disabled={first_shown <= page.log_start}
                            aria-label={format!("Older records of {} partition {}", props.topic, lane.partition)}>{ "◀" }</button>
                    <button class="icon" onclick={newer} disabled={lane.following}
                            aria-label={format!("Newer records of {} partition {}", props.topic, lane.partition)}>{ "▶" }</button>
                    if !lane.following {
                        <button class="icon live" onclick={live} aria-label="Follow the newest records">{ "»" }</button>
                    }
                </span>
            </div>
            // Newest first, drawn right to left, in unkeyed slots: when records arrive, each slot
            // takes its new record's text and no DOM node moves (Yew's keyed diff re-inserts the
            // shifted nodes, which costs and restarts their animations). The newest slot's
            // animation name flips with the offset's parity, so each new record slides in.
            <div class="lane-cells" role="list" aria-label={format!("{} partition {}", props.topic, lane.partition)}>
                { for lane.cursors.iter().filter(|c| c.committed.is_none_or(|o| o >= page.log_end)).map(|cursor| html! {
                    <div class="cursor-end">{ cursor_badge(cursor) }</div>
                }) }
                { for page.records.iter().rev().enumerate().map(|(slot, record)| {
                    let cursors: Vec<CursorView> = lane.cursors.iter().filter(|c| c.committed == Some(record.offset)).cloned().collect();
                    let entering = (slot == 0 && lane.following && animate).then_some(if record.offset % 2 == 0 { "enter-even" } else { "enter-odd" });
                    let lit = lane.lit.iter().find(|(offset, _)| *offset == record.offset).map(|(_, lit)| *lit);
                    html! { <Cell topic={props.topic.clone()} record={record.clone()} entering={entering}
                                  cursors={cursors} {lit} dispatch={props.dispatch.clone()} /> }
                }) }
                // Groups whose committed offset is older than the cells shown: their cursor waits
                // at the left edge.
                { for lane.cursors.iter().filter(|c| c.committed.is_some_and(|o| o < first_shown && o < page.log_end)).map(|cursor| html! {
                    <div class="cursor-end cursor-behind">{ cursor_badge(cursor) }</div>
                }) }
                if starts_at_log_start {
                    <div class="log-start-marker" title={format!("Log start: offsets below {} were deleted by retention or compaction", page.log_start)}>
                        { format!("✂ {}", page.log_start) }
                    </div>
                }
            </div>
        </div>
    }
}

fn cursor_badge(cursor: &CursorView) -> Html {
    let title = format!(
        "Consumer group {}: committed offset {}, lag {}{}",
        cursor.group,
        cursor.committed.map_or("none".to_string(), |o| o.to_string()),
        cursor.lag,
        if cursor.paused { " (offline)" } else { "" }
    );
    html! {
        <span class={classes!("cursor", cursor.paused.then_some("paused"))} title={title.clone()} aria-label={title}>
            { format!("▼ {} · lag {}", cursor.group, cursor.lag) }
        </span>
    }
}

#[derive(Properties, PartialEq)]
struct CellProps {
    topic: String,
    record: RecordView,
    /// The newest cell's entry animation class.
    entering: Option<&'static str>,
    cursors: Vec<CursorView>,
    /// Lit by the selected row's provenance.
    lit: Option<Lit>,
    dispatch: Callback<SandboxAction>,
}

#[function_component(Cell)]
fn cell(props: &CellProps) -> Html {
    let record = &props.record;
    let open = {
        let reference = RecordRef { topic: props.topic.clone(), partition: record.partition, offset: record.offset };
        props.dispatch.reform(move |_: MouseEvent| SandboxAction::OpenRecord(reference.clone()))
    };
    let key_style = record.key.as_deref().map(|key| format!("--key-hue: {}", key_hue(key)));
    let value_preview = record.value.as_deref().map_or("∅ tombstone".to_string(), preview);
    let (lit_class, lit_words) = match props.lit {
        Some(Lit::Source) => (Some("lit"), ", built the selected row"),
        Some(Lit::Derived) => (Some("lit lit-derived"), ", a version of the selected row"),
        None => (None, ""),
    };
    html! {
        <div class="cell-slot" role="listitem">
            { for props.cursors.iter().map(cursor_badge) }
            <button class={classes!("cell", record.value.is_none().then_some("tombstone"), props.entering, lit_class)} onclick={open}
                    aria-label={format!("Offset {}, key {}{lit_words}", record.offset, record.key.as_deref().unwrap_or("none"))}>
                <span class="cell-offset">{ record.offset }
                    if props.lit.is_some() { <span class="lit-mark" aria-hidden="true">{ " ●" }</span> }
                </span>
                <span class={classes!("cell-key", record.key.is_none().then_some("no-key"))} style={key_style}>
                    { record.key.clone().unwrap_or_else(|| "no key".to_string()) }
                </span>
                <span class="cell-value">{ value_preview }</span>
            </button>
        </div>
    }
}

/// The first characters of a value, on one line. A JSON object shows its field values (the
/// names are in the details), which says more in a narrow cell.
pub fn preview(value: &str) -> String {
    let text = match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Object(fields)) => fields
            .values()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(" · "),
        _ => value.to_string(),
    };
    text.chars().map(|ch| if ch.is_control() { ' ' } else { ch }).take(48).collect()
}

pub fn duration_text(ms: Millis) -> String {
    const UNITS: [(Millis, &str); 4] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "min"), (1_000, "s")];
    UNITS.iter().find(|(unit, _)| ms >= *unit && ms % unit == 0).map_or(format!("{ms} ms"), |(unit, name)| format!("{} {name}", ms / unit))
}

#[derive(Properties, PartialEq)]
pub struct RecordDetailsProps {
    pub topic: String,
    pub record: RecordView,
    /// The provenance the record selected, in words.
    #[prop_or_default]
    pub lineage_note: Option<String>,
    pub dispatch: Callback<SandboxAction>,
}

/// A record opened from the log: every field, the value pretty-printed, all as text.
#[function_component(RecordDetails)]
pub fn record_details(props: &RecordDetailsProps) -> Html {
    let record = &props.record;
    let close = props.dispatch.reform(|_: MouseEvent| SandboxAction::CloseRecord);
    let onkeydown = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Escape" {
                dispatch.emit(SandboxAction::CloseRecord);
            }
        })
    };
    let value = match record.value.as_deref() {
        None => "null (a tombstone: deletes the key in a table or a compacted topic)".to_string(),
        Some(text) => serde_json::from_str::<serde_json::Value>(text)
            .ok()
            .and_then(|json| serde_json::to_string_pretty(&json).ok())
            .unwrap_or_else(|| text.to_string()),
    };
    let timestamp = crate::sql::functions::format_millis(record.timestamp, "yyyy-MM-dd HH:mm:ss.SSS", 0).unwrap_or_default();
    html! {
        <div class="record-details" role="dialog" aria-modal="false" aria-labelledby="record-title" {onkeydown}>
            <div class="record-details-head">
                <h2 id="record-title">{ format!("{} · partition {} · offset {}", props.topic, record.partition, record.offset) }</h2>
                <button class="icon close" onclick={close} aria-label="Close record details">{ "✕" }</button>
            </div>
            <dl class="record-fields">
                <dt>{ "Key" }</dt><dd class="record-key">{ record.key.clone().unwrap_or_else(|| "null".to_string()) }</dd>
                <dt>{ "Timestamp" }</dt><dd>{ format!("{} ({timestamp} UTC)", record.timestamp) }</dd>
                <dt>{ "Partition" }</dt><dd>{ record.partition }</dd>
                <dt>{ "Offset" }</dt><dd>{ record.offset }</dd>
                <dt>{ "Headers" }</dt>
                <dd>{ if record.headers.is_empty() { "none".to_string() } else {
                    record.headers.iter().map(|(k, v)| format!("{k}: {}", v.as_deref().unwrap_or("null"))).collect::<Vec<_>>().join(", ")
                } }</dd>
            </dl>
            <h3>{ "Value" }</h3>
            <pre class="record-value">{ value }</pre>
            if let Some(note) = &props.lineage_note {
                <p class="provenance"><span class="lit-mark" aria-hidden="true">{ "● " }</span>{ format!("Provenance: {note}.") }</p>
            }
        </div>
    }
}
