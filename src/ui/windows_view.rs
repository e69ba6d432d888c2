//! Windows: a windowed aggregation's windows as bands on a time axis (one lane per key), each
//! with its values; the grace period as a thin tail after the band; stream time as a line; late
//! records that missed the grace period as ✕ on the "dropped" lane, and listed in words.

use super::duality::{choice_chips, try_example};
use super::store::{key_hue, SandboxAction};
use crate::clock::Millis;
use crate::lessons::format_age;
use crate::world::windows::WindowsView;
use yew::prelude::*;

pub const EXAMPLE_SQL: &str = "CREATE STREAM IF NOT EXISTS transactions (account_id STRING KEY, amount INT)
  WITH (kafka_topic='account_transactions', value_format='JSON');
SET 'auto.offset.reset' = 'earliest';
CREATE TABLE tx_per_10s AS
  SELECT account_id, COUNT(*) AS n, SUM(amount) AS total FROM transactions
  WINDOW TUMBLING (SIZE 10 SECONDS, GRACE PERIOD 2 SECONDS)
  GROUP BY account_id EMIT CHANGES;";

const WIDTH: f64 = 1000.0;
const LABEL_W: f64 = 110.0;
const LANE_H: f64 = 30.0;
const MAX_LANES: usize = 12;
const AXIS_H: f64 = 26.0;

#[derive(Properties, PartialEq)]
pub struct WindowsPanelProps {
    pub tables: Vec<String>,
    pub chosen: Option<String>,
    pub view: Option<WindowsView>,
    pub on_choose: Callback<String>,
    pub dispatch: Callback<SandboxAction>,
}

pub fn clock_text(ms: Millis, pattern: &str) -> String {
    crate::sql::functions::format_millis(ms, pattern, 0).unwrap_or_else(|_| ms.to_string())
}

#[function_component(WindowsPanel)]
pub fn windows_panel(props: &WindowsPanelProps) -> Html {
    if props.tables.is_empty() {
        return try_example(
            "No windowed aggregation yet. A window groups a stream's records by time: create one and watch its windows fill and close.",
            "Create a 10-second tumbling window",
            EXAMPLE_SQL,
            &props.dispatch,
        );
    }
    let chips = choice_chips("Windowed table", &props.tables, props.chosen.as_ref(), &props.on_choose);
    let Some(view) = &props.view else { return html! { <div class="windows">{ chips }</div> } };
    let advance = view.advance_ms.map(|a| format!(", advance {}", format_age(a))).unwrap_or_default();
    let summary = format!(
        "{} windows of {}{advance}, grace {} · stream time {} · {} window{} held · {} late record{} dropped",
        view.kind,
        format_age(view.size_ms),
        format_age(view.grace_ms),
        view.stream_time.map_or("–".to_string(), |t| clock_text(t, "HH:mm:ss.SSS")),
        view.n_windows,
        if view.n_windows == 1 { "" } else { "s" },
        view.n_late,
        if view.n_late == 1 { "" } else { "s" },
    );
    html! {
        <div class="windows">
            { chips }
            <p class="windows-summary">{ summary }</p>
            if view.windows.is_empty() && view.late.is_empty() {
                <p class="muted">{ "No window yet: records will open them as they arrive." }</p>
            } else {
                { chart(view) }
            }
            <div class="windows-lists">
                <section aria-labelledby="windows-list-title">
                    <h3 id="windows-list-title">{ "Windows (most recent)" }</h3>
                    <ol class="windows-list">
                        { for view.windows.iter().rev().take(20).map(|w| html! {
                            <li class={classes!(if w.closed { "closed" } else { "open" })}>
                                <span class="cell-key" style={format!("--key-hue: {}", key_hue(&w.key))}>{ &w.key }</span>
                                { format!(" {}–{} ", clock_text(w.start, "HH:mm:ss"), clock_text(w.end, "HH:mm:ss")) }
                                <span class="item-value">{ view.value_columns.iter().zip(&w.values).map(|(c, v)| format!("{c}={v}")).collect::<Vec<_>>().join(" ") }</span>
                                <span class="muted">{ if w.closed { " · closed" } else { " · open" } }</span>
                            </li>
                        }) }
                    </ol>
                </section>
                <section aria-labelledby="late-list-title">
                    <h3 id="late-list-title">{ format!("Dropped late records ({})", view.n_late) }</h3>
                    if view.late.is_empty() {
                        <p class="muted">{ "None yet: every record arrived before its window closed." }</p>
                    } else {
                        <ol class="late-list">
                            { for view.late.iter().rev().take(20).map(|l| html! {
                                <li>{ format!("✕ p{}@{} at {} missed window {}–{} by {}", l.partition, l.offset,
                                    clock_text(l.timestamp, "HH:mm:ss.SSS"), clock_text(l.window_start, "HH:mm:ss"),
                                    clock_text(l.window_end, "HH:mm:ss"), format_age(l.missed_by_ms)) }</li>
                            }) }
                        </ol>
                    }
                </section>
            </div>
        </div>
    }
}

fn chart(view: &WindowsView) -> Html {
    let mut keys: Vec<&str> = view.windows.iter().map(|w| w.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let n_hidden = keys.len().saturating_sub(MAX_LANES);
    keys.truncate(MAX_LANES);
    // Hopping windows overlap: stack them in sub-rows so each stays readable.
    let sub_rows = match view.advance_ms {
        Some(advance) if advance > 0 => ((view.size_ms + advance - 1) / advance).clamp(1, 4),
        _ => 1,
    };
    let lane_h = LANE_H * (sub_rows as f64).sqrt().max(1.0);
    let n_lanes = keys.len() + 1;
    let height = AXIS_H + lane_h * n_lanes as f64 + 6.0;
    let (from, to) = (view.axis.0, view.axis.1.max(view.axis.0 + 1));
    let x = |t: Millis| LABEL_W + (t.clamp(from, to) - from) as f64 / (to - from) as f64 * (WIDTH - LABEL_W - 12.0);
    let lane_y = |lane: usize| AXIS_H + lane_h * lane as f64;
    let bands = view.windows.iter().filter_map(|w| {
        let lane = keys.iter().position(|k| *k == w.key)?;
        let row = match view.advance_ms {
            Some(advance) if advance > 0 => ((w.start / advance).rem_euclid(sub_rows)) as f64,
            _ => 0.0,
        };
        let row_h = (lane_h - 6.0) / sub_rows as f64;
        let y = lane_y(lane) + 3.0 + row * row_h;
        let (x0, x1) = (x(w.start), x(w.end));
        let grace_end = x(w.end.saturating_add(view.grace_ms));
        let label = w.values.first().cloned().unwrap_or_default();
        let width = (x1 - x0).max(2.0);
        Some(html! {
            <g class={classes!("band", if w.closed { "closed" } else { "open" })} style={format!("--key-hue: {}", key_hue(&w.key))}>
                <title>{ format!("{} {}–{}: {}", w.key, clock_text(w.start, "HH:mm:ss"), clock_text(w.end, "HH:mm:ss"), w.values.join(", ")) }</title>
                <line class="grace" x1={format!("{x1:.1}")} x2={format!("{grace_end:.1}")} y1={format!("{:.1}", y + row_h / 2.0)} y2={format!("{:.1}", y + row_h / 2.0)} />
                <rect x={format!("{x0:.1}")} y={format!("{y:.1}")} width={format!("{width:.1}")} height={format!("{:.1}", row_h - 2.0)} rx="3" />
                if width > 18.0 {
                    <text x={format!("{:.1}", x0 + width / 2.0)} y={format!("{:.1}", y + row_h / 2.0 + 4.0)} text-anchor="middle">{ label }</text>
                }
            </g>
        })
    });
    let late_y = lane_y(keys.len()) + lane_h / 2.0;
    let late = view.late.iter().map(|l| {
        let cx = x(l.timestamp);
        html! {
            <g class="late">
                <title>{ format!("late record p{}@{}: dropped", l.partition, l.offset) }</title>
                <text x={format!("{cx:.1}")} y={format!("{:.1}", late_y + 5.0)} text-anchor="middle">{ "✕" }</text>
            </g>
        }
    });
    let stream_line = view.stream_time.map(|t| {
        let sx = x(t);
        html! {
            <g class="stream-time">
                <line x1={format!("{sx:.1}")} x2={format!("{sx:.1}")} y1="14" y2={format!("{:.1}", height - 4.0)} />
                <text x={format!("{:.1}", sx - 4.0)} y="11" text-anchor="end">{ format!("stream time {}", clock_text(t, "HH:mm:ss")) }</text>
            </g>
        }
    });
    html! {
        <svg class="windows-chart" viewBox={format!("0 0 {WIDTH} {height:.0}")} role="img"
             aria-label={format!("{} windows on a time axis, {} late records dropped", view.windows.len(), view.n_late)}>
            <text class="axis-label" x={format!("{LABEL_W}")} y="11">{ clock_text(from, "HH:mm:ss") }</text>
            { for keys.iter().enumerate().map(|(lane, key)| html! {
                <g class="lane-row">
                    <line class="lane-rule" x1="0" x2={format!("{WIDTH}")} y1={format!("{:.1}", lane_y(lane + 1))} y2={format!("{:.1}", lane_y(lane + 1))} />
                    <text class="lane-key" x="4" y={format!("{:.1}", lane_y(lane) + lane_h / 2.0 + 4.0)}>{ key.to_string() }</text>
                </g>
            }) }
            <text class="lane-key late-label" x="4" y={format!("{:.1}", late_y + 4.0)}>
                { if n_hidden > 0 { format!("dropped · +{n_hidden} keys") } else { "dropped (late)".to_string() } }
            </text>
            { for bands }
            { for late }
            { for stream_line }
        </svg>
    }
}
