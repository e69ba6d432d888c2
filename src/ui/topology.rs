//! Topology: producers → topics → queries → topics → consumers as an SVG graph in columns, each
//! edge labelled with its live rate (records per virtual second) and, out of a topic, its lag.

use crate::world::topology::{NodeKind, TopologyNode, TopologyView};
use std::collections::HashMap;
use yew::prelude::*;

const COL_W: f64 = 270.0;
const NODE_W: f64 = 180.0;
const NODE_H: f64 = 58.0;
const ROW_H: f64 = 74.0;
const MARGIN: f64 = 16.0;

#[derive(Properties, PartialEq)]
pub struct TopologyPanelProps {
    pub view: TopologyView,
}

pub fn rate_text(rate: Option<f64>) -> String {
    match rate {
        None => "–/s".to_string(),
        Some(r) if r >= 100.0 => format!("{r:.0}/s"),
        Some(r) => format!("{r:.1}/s"),
    }
}

/// Cuts a name to fit a node box (by characters, never inside one).
fn fit(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}

#[function_component(TopologyPanel)]
pub fn topology_panel(props: &TopologyPanelProps) -> Html {
    let view = &props.view;
    if view.nodes.is_empty() {
        return html! { <p class="muted">{ "Nothing yet: add a producer or create a stream." }</p> };
    }
    let mut per_layer: HashMap<usize, usize> = HashMap::new();
    let mut positions: HashMap<&str, (f64, f64)> = HashMap::new();
    for node in &view.nodes {
        let row = per_layer.entry(node.layer).or_insert(0);
        positions.insert(node.id.as_str(), (MARGIN + node.layer as f64 * COL_W, MARGIN + 18.0 + *row as f64 * ROW_H));
        *row += 1;
    }
    let n_rows = per_layer.values().copied().max().unwrap_or(1);
    let width = MARGIN * 2.0 + (view.n_layers.max(1) as f64 - 1.0) * COL_W + NODE_W;
    let height = MARGIN * 2.0 + 18.0 + n_rows as f64 * ROW_H;
    let headings = ["producers", "topics", "queries", "topics", "queries", "topics", "queries", "topics"];
    let edges = view.edges.iter().filter_map(|edge| {
        let (fx, fy) = *positions.get(edge.from.as_str())?;
        let (tx, ty) = *positions.get(edge.to.as_str())?;
        let (x1, y1, x2, y2) = (fx + NODE_W, fy + NODE_H / 2.0, tx, ty + NODE_H / 2.0);
        let bend = ((x2 - x1).abs() / 2.0).max(30.0);
        let d = format!("M{x1:.1},{y1:.1} C{:.1},{y1:.1} {:.1},{y2:.1} {x2:.1},{y2:.1}", x1 + bend, x2 - bend);
        let lagging = edge.lag.is_some_and(|lag| lag > 0);
        // Next to the arrow head: each target sits at its own height, and the gap before a column
        // is free of nodes, whatever columns a long edge crosses.
        let (mx, my) = (x2 - 8.0, y2 - 5.0);
        Some(html! {
            <g class={classes!("edge", lagging.then_some("lagging"), edge.rate_per_s.is_some_and(|r| r > 0.0).then_some("flowing"))}
               data-from={edge.from.clone()} data-to={edge.to.clone()}>
                <path d={d} marker-end="url(#topology-arrow)" />
                <text x={format!("{mx:.1}")} y={format!("{my:.1}")} text-anchor="end">{ rate_text(edge.rate_per_s) }</text>
                if let Some(lag) = edge.lag {
                    <text class="edge-lag" x={format!("{mx:.1}")} y={format!("{:.1}", my + 19.0)} text-anchor="end">{ format!("lag {lag}") }</text>
                }
            </g>
        })
    });
    let nodes = view.nodes.iter().filter_map(|node| {
        let (x, y) = *positions.get(node.id.as_str())?;
        Some(node_box(node, x, y))
    });
    html! {
        <div class="topology">
            <svg class="topology-chart" viewBox={format!("0 0 {width:.0} {height:.0}")} role="img"
                 style={format!("max-width: {width:.0}px")}
                 aria-label={format!("{} nodes and {} edges: producers, topics, queries and consumers", view.nodes.len(), view.edges.len())}>
                <defs>
                    <marker id="topology-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" />
                    </marker>
                </defs>
                { for (0..view.n_layers).map(|layer| {
                    let heading = if layer + 1 == view.n_layers && view.nodes.iter().any(|n| n.kind == NodeKind::Consumer) {
                        "consumers"
                    } else {
                        headings.get(layer).copied().unwrap_or("")
                    };
                    html! { <text class="column-heading" x={format!("{:.1}", MARGIN + layer as f64 * COL_W)} y={format!("{:.1}", MARGIN + 4.0)}>{ heading }</text> }
                }) }
                { for edges }
                { for nodes }
            </svg>
        </div>
    }
}

fn node_box(node: &TopologyNode, x: f64, y: f64) -> Html {
    let kind = match node.kind {
        NodeKind::Producer => "producer",
        NodeKind::Topic => "topic",
        NodeKind::Query => "query",
        NodeKind::Consumer => "consumer",
    };
    let rate = match node.kind {
        NodeKind::Topic => format!("{} in", rate_text(node.rate_per_s)),
        _ => rate_text(node.rate_per_s),
    };
    let state = if node.active { "" } else { " · stopped" };
    html! {
        <g class={classes!("node", kind, (!node.active).then_some("inactive"))} data-node={node.id.clone()}>
            <title>{ format!("{kind} {}: {}", node.label, node.detail) }</title>
            <rect x={format!("{x:.1}")} y={format!("{y:.1}")} width={format!("{NODE_W}")} height={format!("{NODE_H}")} rx="8" />
            <text class="node-label" x={format!("{:.1}", x + 8.0)} y={format!("{:.1}", y + 19.0)}>{ fit(&node.label, 19) }</text>
            <text class="node-detail" x={format!("{:.1}", x + 8.0)} y={format!("{:.1}", y + 35.0)}>{ fit(&format!("{}{state}", node.detail), 26) }</text>
            <text class="node-rate" x={format!("{:.1}", x + 8.0)} y={format!("{:.1}", y + 51.0)}>{ rate }</text>
        </g>
    }
}
