//! The sandbox's views of the world, as tabs: Log | Stream ⇄ Table | Windows | Race | Topology.
//!
//! The panel builds the plain view of the open tab only (`World::duality_view`,
//! `windows_view`, `race_view`, `topology_view`), so a hidden view costs nothing. The rate
//! meter behind the topology's rates is fed at every render, whichever tab is open, so rates
//! are ready when the learner opens it. What the views change in the world goes through
//! [`SandboxAction::Views`].

use super::duality::DualityPanel;
use super::race::RacePanel;
use super::store::{LineagePick, SandboxAction, StoreHandle};
use super::topology::TopologyPanel;
use super::windows_view::WindowsPanel;
use crate::world::duality::Selection;
use crate::world::race::Cadence;
use crate::world::topology::RateMeter;
use crate::world::World;
use yew::prelude::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewTab {
    Log,
    Duality,
    Windows,
    Race,
    Topology,
}

impl ViewTab {
    pub const ALL: [ViewTab; 5] = [ViewTab::Log, ViewTab::Duality, ViewTab::Windows, ViewTab::Race, ViewTab::Topology];

    pub fn label(self) -> &'static str {
        match self {
            ViewTab::Log => "Log",
            ViewTab::Duality => "Stream ⇄ Table",
            ViewTab::Windows => "Windows",
            ViewTab::Race => "Race",
            ViewTab::Topology => "Topology",
        }
    }

    fn slug(self) -> &'static str {
        match self {
            ViewTab::Log => "log",
            ViewTab::Duality => "duality",
            ViewTab::Windows => "windows",
            ViewTab::Race => "race",
            ViewTab::Topology => "topology",
        }
    }
}

/// What the views ask of the world.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewsAction {
    StartRace { topic: String, cadence: Cadence },
    StopRace,
    SetCadence(Cadence),
    MarkEvent,
}

impl ViewsAction {
    /// Carries the action out; returns a sentence for the live region.
    pub fn apply(self, world: &mut World) -> String {
        match self {
            ViewsAction::StartRace { topic, cadence } => match world.start_race(&topic, cadence) {
                Ok(()) => format!("Race started on {topic}: batch every {}, stream every tick", cadence.label()),
                Err(error) => format!("The race could not start: {error}"),
            },
            ViewsAction::StopRace => {
                world.stop_race();
                "Race stopped".to_string()
            }
            ViewsAction::SetCadence(cadence) => {
                world.set_race_cadence(cadence);
                format!("The batch job now runs every {}", cadence.label())
            }
            ViewsAction::MarkEvent => {
                world.mark_race_event();
                "The next event is marked X".to_string()
            }
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct ViewsPanelProps {
    pub store: StoreHandle,
    /// The store's version: a new one redraws the open view.
    pub version: (u64, u64),
    pub dispatch: Callback<SandboxAction>,
    /// The log view, shown on the Log tab.
    pub children: Html,
}

#[function_component(ViewsPanel)]
pub fn views_panel(props: &ViewsPanelProps) -> Html {
    let tab = use_state(|| ViewTab::Log);
    let duality_table = use_state(|| None::<String>);
    let windows_table = use_state(|| None::<String>);
    let meter = use_mut_ref(RateMeter::new);

    let Ok(mut state) = props.store.0.try_borrow_mut() else {
        return html! { <p class="muted">{ "…" }</p> };
    };
    meter.borrow_mut().observe(&state.world);
    // The provenance selection lives in the store: the log lanes light it too.
    let lineage = state.lineage.clone();
    let world = &mut state.world;

    let body = match *tab {
        ViewTab::Log => props.children.clone(),
        ViewTab::Duality => {
            let tables = world.table_names();
            // The table chosen here, else the one a record opened in the log selected, else the first.
            let chosen = (*duality_table)
                .clone()
                .or_else(|| lineage.as_ref().map(|l| l.table.clone()))
                .filter(|t| tables.contains(t))
                .or_else(|| tables.first().cloned());
            let selection = lineage.filter(|l| Some(&l.table) == chosen.as_ref()).map(|l| l.selection);
            let view = chosen.as_ref().map(|t| world.duality_view(t, selection.as_ref()).map_err(|e| e.to_string()));
            let on_choose = {
                let (duality_table, dispatch) = (duality_table.clone(), props.dispatch.clone());
                Callback::from(move |table: String| {
                    duality_table.set(Some(table));
                    dispatch.emit(SandboxAction::SelectLineage(None));
                })
            };
            let on_select = {
                let (table, dispatch) = (chosen.clone(), props.dispatch.clone());
                Callback::from(move |selection: Option<Selection>| {
                    let pick = table.clone().zip(selection).map(|(table, selection)| LineagePick { table, selection });
                    dispatch.emit(SandboxAction::SelectLineage(pick));
                })
            };
            html! { <DualityPanel {tables} {chosen} {view} {on_choose} {on_select} dispatch={props.dispatch.clone()} /> }
        }
        ViewTab::Windows => {
            let tables = world.windowed_table_names();
            let chosen = (*windows_table).clone().filter(|t| tables.contains(t)).or_else(|| tables.first().cloned());
            let view = chosen.as_ref().and_then(|t| world.windows_view(t));
            let on_choose = {
                let windows_table = windows_table.clone();
                Callback::from(move |table: String| windows_table.set(Some(table)))
            };
            html! { <WindowsPanel {tables} {chosen} {view} {on_choose} dispatch={props.dispatch.clone()} /> }
        }
        ViewTab::Race => {
            // Topics producers write first: the race is about one event source.
            let mut topics: Vec<String> = world.producer_views().into_iter().flat_map(|p| p.topics).collect();
            topics.dedup();
            for topic in world.log().topics() {
                if !topics.iter().any(|t| t == topic.name()) {
                    topics.push(topic.name().to_string());
                }
            }
            html! { <RacePanel view={world.race_view()} {topics} dispatch={props.dispatch.clone()} /> }
        }
        ViewTab::Topology => {
            let view = world.topology_view(&meter.borrow());
            html! { <TopologyPanel {view} /> }
        }
    };
    drop(state);

    html! {
        <div class="views">
            <h2 id="log-title" class="sr-only">{ "Views" }</h2>
            <div class="view-tabs" role="tablist" aria-label="Views">
                { for ViewTab::ALL.iter().map(|&t| {
                    let selected = *tab == t;
                    let onclick = { let tab = tab.clone(); Callback::from(move |_: MouseEvent| tab.set(t)) };
                    html! {
                        <button role="tab" id={format!("view-tab-{}", t.slug())} class={classes!("view-tab", selected.then_some("active"))}
                                aria-selected={selected.to_string()} aria-controls="view-body" {onclick}>
                            { t.label() }
                        </button>
                    }
                }) }
            </div>
            <div id="view-body" class={classes!("view-body", format!("view-{}", tab.slug()))} role="tabpanel"
                 aria-labelledby={format!("view-tab-{}", tab.slug())}>
                { body }
            </div>
        </div>
    }
}
