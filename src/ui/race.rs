//! The batch-vs-stream race: one topic, a batch job on a schedule and a streaming consumer;
//! a freshness meter for each, an SVG chart of freshness over virtual time (a saw-tooth
//! against a flat line) and when each side first saw a marked event X.

use super::duality::choice_chips;
use super::store::SandboxAction;
use super::views_panel::ViewsAction;
use super::windows_view::clock_text;
use crate::clock::Millis;
use crate::lessons::format_age;
use crate::world::race::{Cadence, RaceView, CADENCES_SHOWN};
use yew::prelude::*;

const WIDTH: f64 = 800.0;
const HEIGHT: f64 = 340.0;
const PAD_L: f64 = 84.0;
const PAD_B: f64 = 28.0;
const PAD_T: f64 = 14.0;

#[derive(Properties, PartialEq)]
pub struct RacePanelProps {
    pub view: Option<RaceView>,
    pub topics: Vec<String>,
    pub dispatch: Callback<SandboxAction>,
}

fn cadence_buttons(current: Cadence, on_pick: Callback<Cadence>) -> Html {
    html! {
        <div class="view-choices" role="group" aria-label="Batch cadence">
            <span class="muted">{ "Batch every:" }</span>
            { for Cadence::ALL.iter().map(|&cadence| {
                let pressed = cadence == current;
                let onclick = on_pick.reform(move |_: MouseEvent| cadence);
                html! { <button class={classes!("chip", pressed.then_some("active"))} aria-pressed={pressed.to_string()} {onclick}>{ cadence.label() }</button> }
            }) }
        </div>
    }
}

#[function_component(RacePanel)]
pub fn race_panel(props: &RacePanelProps) -> Html {
    let topic = use_state(|| None::<String>);
    let cadence = use_state(|| Cadence::QuarterHour);
    let Some(view) = &props.view else {
        let chosen = (*topic).clone().filter(|t| props.topics.contains(t)).or_else(|| props.topics.first().cloned());
        let on_topic = { let topic = topic.clone(); Callback::from(move |t: String| topic.set(Some(t))) };
        let on_cadence = { let cadence = cadence.clone(); Callback::from(move |c: Cadence| cadence.set(c)) };
        let start = {
            let (chosen, cadence) = (chosen.clone(), *cadence);
            props.dispatch.reform(move |_: MouseEvent| match &chosen {
                Some(topic) => SandboxAction::Views(ViewsAction::StartRace { topic: topic.clone(), cadence }),
                None => SandboxAction::Views(ViewsAction::StopRace),
            })
        };
        return html! {
            <div class="race race-setup">
                <p>{ "One stream of events, two readers on the same virtual clock: a batch job that reads everything on a schedule, and a streaming consumer that reads each event as it arrives. Their freshness is the age of the newest data each reflects." }</p>
                { choice_chips("Topic", &props.topics, chosen.as_ref(), &on_topic) }
                { cadence_buttons(*cadence, on_cadence) }
                <button class="primary race-start" onclick={start} disabled={chosen.is_none()}>{ "Start the race" }</button>
                <p class="muted">{ "Start a producer for the topic and speed up time (100× or 1000×) to watch the batch side's saw-tooth." }</p>
            </div>
        };
    };
    let on_cadence = props.dispatch.reform(|c: Cadence| SandboxAction::Views(ViewsAction::SetCadence(c)));
    let mark = props.dispatch.reform(|_: MouseEvent| SandboxAction::Views(ViewsAction::MarkEvent));
    let stop = props.dispatch.reform(|_: MouseEvent| SandboxAction::Views(ViewsAction::StopRace));
    let cadence_ms = view.cadence.ms();
    let meter = |label: &str, class: &str, freshness: Option<Millis>, detail: String| {
        let fraction = freshness.map_or(0.0, |f| (f as f64 / cadence_ms as f64).clamp(0.0, 1.0));
        html! {
            <div class={classes!("freshness", class.to_string())}>
                <div class="freshness-label">{ label.to_string() }</div>
                <div class="freshness-age">{ freshness.map_or("nothing read yet".to_string(), |f| format!("{} old", format_age(f))) }</div>
                <div class="freshness-bar" role="meter" aria-label={format!("{label} freshness")}
                     aria-valuemin="0" aria-valuemax={cadence_ms.to_string()} aria-valuenow={freshness.unwrap_or(0).to_string()}>
                    <div class="freshness-fill" style={format!("width: {:.1}%", fraction * 100.0)}></div>
                </div>
                <div class="muted freshness-detail">{ detail }</div>
            </div>
        }
    };
    let batch_detail = format!(
        "last run {} · next {} · {} run{}",
        view.last_batch_ms.map_or("–".to_string(), |t| clock_text(t, "HH:mm:ss")),
        clock_text(view.next_batch_ms, "HH:mm:ss"),
        view.n_batch_runs,
        if view.n_batch_runs == 1 { "" } else { "s" }
    );
    html! {
        <div class="race">
            <div class="race-bar">
                <span class="race-topic">{ format!("Topic {}", view.topic) }</span>
                { cadence_buttons(view.cadence, on_cadence) }
                <button class="race-mark" onclick={mark}>{ "Mark the next event X" }</button>
                <button class="race-stop" onclick={stop}>{ "Stop race" }</button>
            </div>
            <div class="race-main">
                <div class="race-side">
                    <div class="race-meters">
                        { meter(&format!("Batch job (every {})", view.cadence.label()), "batch", view.batch_freshness_ms, batch_detail) }
                        { meter("Streaming consumer", "stream", view.stream_freshness_ms, "reads at every 100 ms tick".to_string()) }
                    </div>
                    { marked_event(view) }
                </div>
                { chart(view) }
            </div>
        </div>
    }
}

fn marked_event(view: &RaceView) -> Html {
    let seen = |side: &str, at: Option<Millis>, timestamp: Millis, pending: String| match at {
        Some(at) => format!("{side} saw it at {} (+{})", clock_text(at, "HH:mm:ss.SSS"), format_age(at.saturating_sub(timestamp))),
        None => format!("{side}: not yet ({pending})"),
    };
    let text = match (&view.marked, view.marked_at_ms) {
        (Some(event), _) => format!(
            "Event X = p{}@{}{} at {} · {} · {}",
            event.partition,
            event.offset,
            event.key.as_ref().map(|k| format!(" (key {k})")).unwrap_or_default(),
            clock_text(event.timestamp, "HH:mm:ss.SSS"),
            seen("stream", event.stream_seen_ms, event.timestamp, "offline?".to_string()),
            seen("batch", event.batch_seen_ms, event.timestamp, format!("next run {}", clock_text(view.next_batch_ms, "HH:mm:ss"))),
        ),
        (None, Some(at)) => format!("X will be the next event to arrive after {}.", clock_text(at, "HH:mm:ss")),
        (None, None) => "Mark an event to see when each side first sees it.".to_string(),
    };
    html! { <p class="race-event" aria-live="polite">{ text }</p> }
}

fn chart(view: &RaceView) -> Html {
    let span = view.cadence.ms() * CADENCES_SHOWN;
    let (from, to) = (view.now_ms - span, view.now_ms.max(view.now_ms - span + 1));
    let y_max = view
        .samples
        .iter()
        .flat_map(|s| [s.batch_ms, s.stream_ms])
        .flatten()
        .max()
        .unwrap_or(0)
        .max(view.cadence.ms())
        .saturating_mul(11)
        / 10;
    let x = |t: Millis| PAD_L + (t.clamp(from, to) - from) as f64 / (to - from) as f64 * (WIDTH - PAD_L - 10.0);
    let y = |age: Millis| HEIGHT - PAD_B - (age.clamp(0, y_max) as f64 / y_max.max(1) as f64) * (HEIGHT - PAD_B - PAD_T);
    let points = |pick: fn(&crate::world::race::FreshnessSample) -> Option<Millis>| {
        view.samples
            .iter()
            .filter(|s| s.at_ms >= from)
            .filter_map(|s| pick(s).map(|age| format!("{:.1},{:.1}", x(s.at_ms), y(age))))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let batch = points(|s| s.batch_ms);
    let stream = points(|s| s.stream_ms);
    let ticks = (0..=CADENCES_SHOWN).map(|i| {
        let t = from + i * view.cadence.ms();
        let boundary = t - t.rem_euclid(view.cadence.ms());
        let tx = x(boundary.max(from));
        html! {
            <g class="tick">
                <line x1={format!("{tx:.1}")} x2={format!("{tx:.1}")} y1={format!("{PAD_T}")} y2={format!("{:.1}", HEIGHT - PAD_B)} />
                <text x={format!("{tx:.1}")} y={format!("{:.1}", HEIGHT - 7.0)} text-anchor="middle">{ clock_text(boundary.max(from), "HH:mm") }</text>
            </g>
        }
    });
    let cadence_y = y(view.cadence.ms());
    html! {
        <svg class="race-chart" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
             aria-label={format!("Freshness over the last {}: batch as a saw-tooth, stream flat near zero", format_age(span))}>
            { for ticks }
            <line class="axis" x1={format!("{PAD_L}")} x2={format!("{WIDTH}")} y1={format!("{:.1}", HEIGHT - PAD_B)} y2={format!("{:.1}", HEIGHT - PAD_B)} />
            <line class="cadence-line" x1={format!("{PAD_L}")} x2={format!("{WIDTH}")} y1={format!("{cadence_y:.1}")} y2={format!("{cadence_y:.1}")} />
            <text class="axis-label" x={format!("{:.1}", PAD_L - 6.0)} y={format!("{:.1}", cadence_y + 4.0)} text-anchor="end">{ format_age(view.cadence.ms()) }</text>
            <text class="axis-label" x={format!("{:.1}", PAD_L - 6.0)} y={format!("{:.1}", HEIGHT - PAD_B)} text-anchor="end">{ "0 s" }</text>
            <polyline class="series batch" points={batch} />
            <polyline class="series stream" points={stream} />
            <text class="series-label batch" x={format!("{:.1}", PAD_L + 6.0)} y={format!("{:.1}", PAD_T + 16.0)}>{ "— batch: age of its newest data" }</text>
            <text class="series-label stream" x={format!("{:.1}", PAD_L + 6.0)} y={format!("{:.1}", HEIGHT - PAD_B - 8.0)}>{ "- - stream" }</text>
        </svg>
    }
}
