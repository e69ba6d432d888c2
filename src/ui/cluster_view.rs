//! The brokers panel: each broker (up or down, one click to fail or restore it), and per
//! partition its leader, replicas with their end offsets, ISR and high watermark, so replication
//! lag, failover, truncation and loss are visible. Also hosts the connectors panel: both sit in
//! one collapsible "Platform" strip under the sandbox grid.
//!
//! The panel acts on the world through the store handle (the world bumps its generation, so the
//! sandbox redraws); everything shown is plain data from `Cluster::view`.

use super::connectors_view::ConnectorsPanel;
use super::store::StoreHandle;
use crate::cluster::view::{ClusterView, PartitionReplicationView};
use crate::cluster::TopicReplication;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct PlatformPanelsProps {
    pub store: StoreHandle,
    /// The world's generation: a new value re-renders the panels.
    pub generation: u64,
}

/// Brokers and connectors, under the sandbox grid, folded until the learner opens it.
#[function_component(PlatformPanels)]
pub fn platform_panels(props: &PlatformPanelsProps) -> Html {
    let open = use_state(|| false);
    // The panels read the store while rendering, so after a click they redraw themselves (a
    // paused world's frame loop sees no change of version between frames).
    let redraw = use_force_update();
    let on_change = Callback::from(move |()| redraw.force_update());
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let body = if *open {
        let state = props.store.0.borrow();
        let cluster = state.world.cluster().view();
        let connect = state.world.connect().view(state.world.log(), state.world.now_ms());
        html! {
            <div class="platform-body">
                <ClusterPanel view={cluster} store={props.store.clone()} on_change={on_change.clone()} />
                <ConnectorsPanel view={connect} store={props.store.clone()} {on_change} />
            </div>
        }
    } else {
        html! {}
    };
    html! {
        <section class={classes!("panel", "platform", open.then_some("open"))} aria-label="Platform">
            <button class="platform-toggle" aria-expanded={open.to_string()} onclick={toggle}>
                { if *open { "▾ Platform: brokers and connectors" } else { "▸ Platform: brokers and connectors" } }
            </button>
            { body }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct ClusterPanelProps {
    pub view: ClusterView,
    pub store: StoreHandle,
    pub on_change: Callback<()>,
}

/// Runs `change` on the world (through the store), then redraws. Errors are not shown: the
/// buttons only offer valid actions, and the cluster's events say what happened.
fn act(store: &StoreHandle, on_change: &Callback<()>, change: impl Fn(&mut crate::world::World) + 'static) -> Callback<MouseEvent> {
    let (store, on_change) = (store.clone(), on_change.clone());
    Callback::from(move |_: MouseEvent| {
        if let Ok(mut state) = store.0.try_borrow_mut() {
            change(&mut state.world);
        }
        on_change.emit(());
    })
}

#[function_component(ClusterPanel)]
pub fn cluster_panel(props: &ClusterPanelProps) -> Html {
    let view = &props.view;
    let replicate_all = act(&props.store, &props.on_change, |world| {
        let topics: Vec<String> = world.log().topics().map(|t| t.name().to_string()).collect();
        let replication = TopicReplication { replication_factor: 3, min_insync_replicas: 2, unclean_leader_election: false };
        for topic in topics {
            let _ = world.set_topic_replication(&topic, replication);
        }
    });
    let mut topics: Vec<&str> = view.partitions.iter().map(|p| p.topic.as_str()).collect();
    topics.dedup();
    html! {
        <section class="cluster-panel" aria-labelledby="cluster-title">
            <h2 id="cluster-title">{ "Brokers" }</h2>
            <ul class="broker-list">
                { for view.brokers.iter().map(|b| {
                    let id = b.id;
                    let onclick = if b.up { act(&props.store, &props.on_change, move |w| { let _ = w.fail_broker(id); }) }
                                  else { act(&props.store, &props.on_change, move |w| { let _ = w.restore_broker(id); }) };
                    html! {
                        <li class={classes!("broker", (!b.up).then_some("down"))} data-broker={id.to_string()}>
                            <span class="broker-name">{ format!("broker {id}") }</span>
                            <span class="broker-state">{ if b.up { "up" } else { "DOWN" } }</span>
                            <span class="broker-load">{ format!("{} leader(s) · {} replica(s)", b.n_leaders, b.n_replicas) }</span>
                            <button class="broker-toggle" {onclick}>{ if b.up { "Fail" } else { "Restore" } }</button>
                        </li>
                    }
                }) }
            </ul>
            <div class="cluster-actions">
                <button class="replicate-all" onclick={replicate_all}
                        title="replication.factor=3, min.insync.replicas=2 for every topic">{ "Replicate every topic ×3" }</button>
                if view.n_lost_acknowledged + view.n_lost_unacknowledged > 0 {
                    <span class="cluster-loss">{ format!("lost: {} acknowledged, {} never acknowledged", view.n_lost_acknowledged, view.n_lost_unacknowledged) }</span>
                }
            </div>
            <table class="replication-table">
                <thead><tr>
                    <th>{ "partition" }</th><th>{ "leader" }</th><th>{ "replicas (end offset)" }</th>
                    <th>{ "ISR" }</th><th title="high watermark: consumers read below it">{ "HW" }</th><th>{ "settings" }</th>
                </tr></thead>
                <tbody>
                    { for view.partitions.iter().map(|p| partition_row(p, &props.store, &props.on_change)) }
                </tbody>
            </table>
            if !view.lost.is_empty() {
                <h3>{ "Lost records" }</h3>
                <ul class="lost-list">
                    { for view.lost.iter().map(|l| html! {
                        <li class={classes!("lost", l.acknowledged.then_some("acknowledged"))}>
                            { format!("{}-{} @{} key {} value {} — {}{}", l.topic, l.partition,
                                l.offset.map_or_else(|| "-".to_string(), |o| o.to_string()), l.key, l.value, l.reason,
                                if l.acknowledged { " (the producer was told it was written)" } else { "" }) }
                        </li>
                    }) }
                </ul>
            }
            <h3>{ "Events" }</h3>
            <ol class="cluster-events" reversed=true>
                { for view.events.iter().map(|(at, message)| html! {
                    <li><time>{ crate::sql::functions::format_millis(*at, "HH:mm:ss.SSS", 0).unwrap_or_default() }</time>{ " " }{ message }</li>
                }) }
            </ol>
        </section>
    }
}

fn partition_row(p: &PartitionReplicationView, store: &StoreHandle, on_change: &Callback<()>) -> Html {
    let topic = p.topic.clone();
    let replication = TopicReplication { replication_factor: p.replication_factor, min_insync_replicas: p.min_insync_replicas, unclean_leader_election: p.unclean_leader_election };
    let toggle_unclean = {
        let topic = topic.clone();
        act(store, on_change, move |w| {
            let _ = w.set_topic_replication(&topic, TopicReplication { unclean_leader_election: !replication.unclean_leader_election, ..replication });
        })
    };
    let row_class = classes!("partition-row", p.offline().then_some("offline"), p.under_replicated().then_some("under-replicated"));
    html! {
        <tr class={row_class} data-partition={format!("{}-{}", p.topic, p.partition)}>
            <td>{ format!("{}-{}", p.topic, p.partition) }</td>
            <td class="partition-leader">{ p.leader.map_or_else(|| "OFFLINE".to_string(), |l| format!("broker {l}")) }</td>
            <td class="replicas">
                { for p.replicas.iter().map(|r| html! {
                    <span class={classes!("replica", r.leader.then_some("leader"), (!r.in_sync).then_some("out-of-sync"), (!r.up).then_some("down"))}
                          title={format!("broker {}: log end offset {}{}", r.broker, r.end_offset, if r.in_sync { ", in sync" } else { ", out of sync" })}>
                        { format!("{}:{}", r.broker, r.end_offset) }
                    </span>
                }) }
            </td>
            <td class="isr">{ format!("{:?}", p.isr) }</td>
            <td class="hw">{ if p.leader_end_offset > p.high_watermark { format!("{} (+{})", p.high_watermark, p.leader_end_offset - p.high_watermark) } else { p.high_watermark.to_string() } }</td>
            <td class="settings">
                { format!("RF {} · min.insync {}", p.replication_factor, p.min_insync_replicas) }
                if p.partition == 0 {
                    <button class="unclean-toggle" onclick={toggle_unclean} title="unclean.leader.election.enable">
                        { if p.unclean_leader_election { "unclean: on" } else { "unclean: off" } }
                    </button>
                }
            </td>
        </tr>
    }
}
