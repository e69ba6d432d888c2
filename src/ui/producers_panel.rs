//! Producers: start, stop and rate for each scenario producer, and a form to produce a record by
//! hand (topic, key, JSON value) whose mistakes are shown next to it.

use super::store::SandboxAction;
use crate::world::view::ProducerView;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ProducersPanelProps {
    pub producers: Vec<ProducerView>,
    pub topics: Vec<String>,
    pub produce_error: Option<String>,
    pub dispatch: Callback<SandboxAction>,
}

#[function_component(ProducersPanel)]
pub fn producers_panel(props: &ProducersPanelProps) -> Html {
    html! {
        <div class="producers">
            <ul class="producer-list">
                { for props.producers.iter().map(|producer| html! {
                    <ProducerRow key={producer.name.clone()} producer={producer.clone()} dispatch={props.dispatch.clone()} />
                }) }
            </ul>
            <ProduceForm topics={props.topics.clone()} error={props.produce_error.clone()} dispatch={props.dispatch.clone()} />
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ProducerRowProps {
    producer: ProducerView,
    dispatch: Callback<SandboxAction>,
}

#[function_component(ProducerRow)]
fn producer_row(props: &ProducerRowProps) -> Html {
    let producer = &props.producer;
    let name = producer.name.clone();
    let toggle = {
        let name = name.clone();
        let running = producer.running;
        props.dispatch.reform(move |_: MouseEvent| {
            if running {
                SandboxAction::StopProducer(name.clone())
            } else {
                SandboxAction::StartProducer(name.clone())
            }
        })
    };
    let produce_one = {
        let name = name.clone();
        props.dispatch.reform(move |_: MouseEvent| SandboxAction::ProduceOne(name.clone()))
    };
    let set_rate = {
        let name = name.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            if let Some(rate) = input.value().parse::<f64>().ok().filter(|rate| rate.is_finite() && *rate > 0.0) {
                dispatch.emit(SandboxAction::SetRate(name.clone(), rate));
            }
        })
    };
    let rate_id = format!("rate-{name}");
    // Uncontrolled: the sandbox re-renders every frame, and a controlled `value` would undo the
    // learner's typing at once. The field takes the producer's rate when that rate changes.
    let rate_ref = use_node_ref();
    {
        let rate_ref = rate_ref.clone();
        use_effect_with(producer.events_per_second.to_bits(), move |bits| {
            if let Some(input) = rate_ref.cast::<HtmlInputElement>() {
                input.set_value(&format_rate(f64::from_bits(*bits)));
            }
        });
    }
    html! {
        <li class={classes!("producer", producer.running.then_some("running"))} data-producer={name.clone()}>
            <div class="producer-head">
                <span class="producer-name">{ &producer.name }</span>
                <span class="producer-state">{ if producer.running { "● running" } else { "○ stopped" } }</span>
            </div>
            <div class="producer-meta">{ format!("→ {} · {} produced", producer.topics.join(", "), producer.n_produced) }</div>
            <div class="producer-controls">
                <button class={classes!("producer-toggle", if producer.running { "stop" } else { "primary" })} onclick={toggle}
                        aria-label={format!("{} {}", if producer.running { "Stop" } else { "Start" }, producer.name)}>
                    { if producer.running { "■ Stop" } else { "▶ Start" } }
                </button>
                <button class="produce-one" onclick={produce_one} aria-label={format!("Produce one record with {}", producer.name)}>{ "+1" }</button>
                <label class="rate" for={rate_id.clone()}>
                    <input id={rate_id} ref={rate_ref} type="number" min="0.1" max="10000" step="any" onchange={set_rate} />
                    <span>{ "ev/s" }</span>
                </label>
            </div>
        </li>
    }
}

fn format_rate(rate: f64) -> String {
    if rate.fract() == 0.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate}")
    }
}

#[derive(Properties, PartialEq)]
struct ProduceFormProps {
    topics: Vec<String>,
    error: Option<String>,
    dispatch: Callback<SandboxAction>,
}

#[function_component(ProduceForm)]
fn produce_form(props: &ProduceFormProps) -> Html {
    let topic_ref = use_node_ref();
    let key_ref = use_node_ref();
    let value_ref = use_node_ref();
    let onsubmit = {
        let (topic_ref, key_ref, value_ref) = (topic_ref.clone(), key_ref.clone(), value_ref.clone());
        props.dispatch.reform(move |event: SubmitEvent| {
            event.prevent_default();
            // A select's value is a property, not an attribute (web-sys's HtmlSelectElement is not enabled).
            let topic = topic_ref
                .get()
                .and_then(|select| js_sys::Reflect::get(&select, &"value".into()).ok())
                .and_then(|value| value.as_string())
                .unwrap_or_default();
            let key = key_ref.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let value = value_ref.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default();
            SandboxAction::Produce { topic, key, value }
        })
    };
    html! {
        <form class="produce-form" {onsubmit} aria-labelledby="produce-title">
            <h3 id="produce-title">{ "Produce a record" }</h3>
            <label for="produce-topic">{ "Topic" }</label>
            <select id="produce-topic" ref={topic_ref}>
                { for props.topics.iter().map(|topic| html! { <option value={topic.clone()}>{ topic }</option> }) }
            </select>
            <label for="produce-key">{ "Key" }</label>
            <input id="produce-key" ref={key_ref} type="text" placeholder="e.g. alice (empty: no key)" autocomplete="off" />
            <label for="produce-value">{ "Value (JSON)" }</label>
            <textarea id="produce-value" ref={value_ref} rows="3" spellcheck="false"
                      placeholder={r#"{"amount": 42} (empty: a tombstone)"#}
                      aria-invalid={props.error.is_some().to_string()} aria-describedby="produce-error" />
            <div id="produce-error" class="field-error" role="alert">{ props.error.clone().unwrap_or_default() }</div>
            <button type="submit" class="primary">{ "Produce" }</button>
        </form>
    }
}
