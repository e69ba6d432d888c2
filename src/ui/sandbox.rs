//! The sandbox: free play with the whole world. It owns the store, runs the animation-frame loop
//! (the only place the wall clock is read) and builds the plain views its panels render. The
//! panels are the [`Workspace`], which the lesson player shows too.

use super::app::{Action, Screen};
use super::console::SqlConsole;
use super::log_view::{LaneView, LogView, RecordDetails, TopicLanes};
use super::producers_panel::ProducersPanel;
use super::views_panel::ViewsPanel;
use super::store::{default_world, SandboxAction, SandboxStore, StoreHandle, SPEEDS};
use crate::world::view::RecordView;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

/// Cells a lane puts in the DOM at most, whatever the partition holds (the store keeps the
/// number its width shows: `SandboxStore::lane_cells`).
pub const LANE_CELLS: usize = super::store::MAX_LANE_CELLS;
/// The default world's seed (a URL parameter may choose another, later).
pub const DEFAULT_SEED: u64 = 2018;

#[derive(Properties, PartialEq)]
pub struct SandboxProps {
    pub dispatch: Callback<Action>,
    /// A deep link: the world's seed, the speed and the editor's SQL (src/ui/deep_link.rs).
    /// The app keys the sandbox by the link's seed, so a new seed mounts a new world.
    #[prop_or_default]
    pub link: Option<Rc<crate::share::fragment::DemoLink>>,
}

#[function_component(Sandbox)]
pub fn sandbox(props: &SandboxProps) -> Html {
    let seed = props.link.as_ref().map_or(DEFAULT_SEED, |link| link.seed);
    let live = {
        let link = props.link.clone();
        use_live_store(move || {
            let mut store = start_store(seed, link.as_deref());
            store.demo.layout = link.map_or_else(Default::default, |link| link.layout);
            StoreHandle::new(store)
        })
    };
    {
        let (store, link, dispatch) = (live.store.clone(), props.link.clone(), live.dispatch.clone());
        use_effect_with(seed, move |seed| {
            super::deep_link::register(super::deep_link::Registered { store: store.clone(), seed: *seed, lesson: None });
            if let Some(link) = &link {
                super::deep_link::fill_editor(link);
            }
            // D toggles the demo layout while the sandbox is on screen.
            let toggle = dispatch.reform(|()| SandboxAction::Demo(super::demo_layout::DemoAction::ToggleLayout));
            super::presenter::set_layout_toggle(toggle.clone());
            move || {
                super::deep_link::unregister(&store);
                super::presenter::clear_layout_toggle(&toggle);
            }
        });
    }
    let back = props.dispatch.reform(|_: MouseEvent| Action::Open(Screen::Home));
    let state = live.store.0.borrow();
    html! {
        <div class="sandbox">
            <div class="sandbox-bar">
                <button class="link" onclick={back}>{ "← Lessons" }</button>
                <h1 class="sandbox-title">{ "Sandbox" }</h1>
                <super::demo_layout::DemoButtons layout={state.demo.layout} seed={seed} link={props.link.clone()} dispatch={live.dispatch.clone()} />
                <Controls playing={state.playing} speed={state.speed} now_ms={state.world.now_ms()} dispatch={live.dispatch.clone()} />
            </div>
            <Workspace store={live.store.clone()} version={state.version()} dispatch={live.dispatch.clone()} />
        </div>
    }
}

/// The store a sandbox starts with: the seed's default world and, for a deep link, its speed
/// (paused). "Reset demo" swaps the same start in (`demo_layout::DemoAction::Reset`).
pub fn start_store(seed: u64, link: Option<&crate::share::fragment::DemoLink>) -> SandboxStore {
    let mut store = SandboxStore::new(default_world(seed));
    if let Some(link) = link {
        super::deep_link::apply_to_store(&mut store, link);
    }
    store
}

/// A store that lives while its component is mounted: the animation-frame loop advances it, and
/// `dispatch` applies an action and redraws the component that holds it.
pub struct LiveStore {
    pub store: StoreHandle,
    pub dispatch: Callback<SandboxAction>,
}

#[hook]
pub fn use_live_store<F: FnOnce() -> StoreHandle>(init: F) -> LiveStore {
    let store = (*use_state(init)).clone();
    let redraw = use_force_update();
    {
        let store = store.clone();
        let redraw = redraw.clone();
        use_effect_with((), move |_| {
            let frame_loop = FrameLoop::start(store, move || redraw.force_update());
            move || drop(frame_loop)
        });
    }
    // One callback for the component's life: a new one each frame would change the `dispatch`
    // prop of every panel and cell, and Yew would re-render them all (the console re-tokenising
    // its SQL, every result table) although nothing they show changed.
    let dispatch = {
        let store = store.clone();
        use_memo((), move |_| {
            Callback::from(move |action: SandboxAction| {
                store.0.borrow_mut().apply(action);
                redraw.force_update();
            })
        })
    };
    LiveStore { store, dispatch: (*dispatch).clone() }
}

#[derive(Properties, PartialEq)]
pub struct WorkspaceProps {
    pub store: StoreHandle,
    /// The store's `version()`: a new one redraws the panels.
    pub version: (u64, u64),
    pub dispatch: Callback<SandboxAction>,
}

/// The panels of a world: log lanes, producers and consumer groups, the SQL console, the opened
/// record. The sandbox and the lesson player show the same workspace over their own store.
#[function_component(Workspace)]
pub fn workspace(props: &WorkspaceProps) -> Html {
    let dispatch = &props.dispatch;
    let state = props.store.0.borrow();
    let world_view = state.world.view();
    let marks = state.lineage_marks();
    let topics = lanes(&state, &world_view, marks.as_ref());
    let lineage_note = marks.as_ref().map(super::store::LineageMarks::describe);
    let selected: Option<(String, RecordView)> = state.selected.as_ref().and_then(|r| {
        let page = state.world.record_page(&r.topic, r.partition, r.offset, 1).ok()?;
        let record = page.records.into_iter().find(|rec| rec.offset == r.offset)?;
        Some((r.topic.clone(), record))
    });
    let topic_names: Vec<String> = world_view.topics.iter().map(|t| t.name.clone()).collect();
    let completion_context = state.completion_context.clone();
    let history = state.history.clone();
    // The two-pane demo layout: the console becomes its statement pane (the same component, so
    // its text survives the toggle) and the push-query pane joins it (src/ui/demo_layout.rs).
    let two_pane = state.demo.layout == crate::share::layout::Layout::TwoPane;
    let entries = super::demo_layout::console_entries(&state);
    let console_dispatch = super::demo_layout::use_console_dispatch(dispatch.clone(), two_pane);

    html! {
        <div class="workspace">
            <div class="sr-only" aria-live="polite">{ state.announcement.clone() }</div>
            <div class={classes!("sandbox-grid", two_pane.then_some("two-pane"))}>
                <section class="panel log-panel" aria-labelledby="log-title">
                    <ViewsPanel store={props.store.clone()} version={state.version()} dispatch={dispatch.clone()}>
                        <LogView topics={topics} speed={state.speed} lineage_note={lineage_note.clone()} dispatch={dispatch.clone()} />
                    </ViewsPanel>
                </section>
                if !two_pane {
                    <aside class="panel side-panel" aria-labelledby="producers-title">
                        <h2 id="producers-title">{ "Producers" }</h2>
                        <ProducersPanel producers={world_view.producers.clone()} topics={topic_names}
                                        produce_error={state.produce_error.clone()} dispatch={dispatch.clone()} />
                        <Groups groups={world_view.groups.iter().map(|g| (g.group.clone(), g.paused, g.total_lag)).collect::<Vec<_>>()}
                                dispatch={dispatch.clone()} />
                    </aside>
                }
                <section class={classes!("panel", "console-panel", two_pane.then_some("demo-pane"), two_pane.then_some(super::demo_layout::STATEMENTS_PANE_CLASS))} aria-labelledby="console-title">
                    <h2 id="console-title">{ if two_pane { "Statements" } else { "SQL console" } }</h2>
                    <SqlConsole entries={entries} history={history} completion_context={completion_context} dispatch={console_dispatch} />
                </section>
                if two_pane {
                    <super::demo_layout::PushPane store={props.store.clone()} version={state.version()} dispatch={dispatch.clone()} />
                }
            </div>
            <super::cluster_view::PlatformPanels store={props.store.clone()} generation={state.world.generation()} />
            if let Some((topic, record)) = selected {
                <RecordDetails topic={topic} record={record} lineage_note={lineage_note} dispatch={dispatch.clone()} />
            }
        </div>
    }
}

/// The lanes to draw: each partition's tail (or the page the learner scrolled to), with the
/// consumer groups' cursors on it.
fn lanes(state: &SandboxStore, world_view: &crate::world::view::WorldView, marks: Option<&super::store::LineageMarks>) -> Vec<TopicLanes> {
    world_view
        .topics
        .iter()
        .map(|topic| TopicLanes {
            name: topic.name.clone(),
            cleanup_policy: format!("{:?}", topic.cleanup_policy).to_lowercase(),
            retention_ms: topic.retention_ms,
            lanes: topic
                .partitions
                .iter()
                .filter_map(|p| {
                    let paged_from = state.lane_pages.get(&(topic.name.clone(), p.partition)).copied();
                    let page = match paged_from {
                        Some(from) => state.world.record_page(&topic.name, p.partition, from, state.lane_cells),
                        None => state.world.tail_page(&topic.name, p.partition, state.lane_cells),
                    }
                    .ok()?;
                    let cursors = world_view
                        .groups
                        .iter()
                        .flat_map(|g| {
                            g.partitions
                                .iter()
                                .filter(|lag| lag.topic == topic.name && lag.partition == p.partition)
                                .map(|lag| super::log_view::CursorView {
                                    group: g.group.clone(),
                                    committed: lag.committed,
                                    lag: lag.lag.unwrap_or(lag.log_end.saturating_sub(lag.log_start)),
                                    paused: g.paused,
                                })
                        })
                        .collect();
                    let appended_at = state.appended_at(&topic.name, p.partition);
                    let lit = marks.map_or_else(Vec::new, |marks| {
                        page.records.iter().filter_map(|r| Some((r.offset, marks.lit(&topic.name, p.partition, r.offset, r.key.as_deref())?))).collect()
                    });
                    Some(LaneView { partition: p.partition, following: paged_from.is_none(), n_segments: p.n_segments, page, cursors, appended_at, lit })
                })
                .collect(),
        })
        .collect()
}

/// The frame callback, shared so it can schedule itself again.
type FrameCallback = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// requestAnimationFrame, every frame while mounted: advances the store by the wall time since
/// the last frame. Dropping it cancels the pending frame.
struct FrameLoop {
    alive: Rc<Cell<bool>>,
    request_id: Rc<Cell<i32>>,
    closure: FrameCallback,
}

impl FrameLoop {
    fn start(store: StoreHandle, redraw: impl Fn() + 'static) -> FrameLoop {
        let alive = Rc::new(Cell::new(true));
        let request_id = Rc::new(Cell::new(0));
        let closure: FrameCallback = Rc::new(RefCell::new(None));
        let last_timestamp: Cell<Option<f64>> = Cell::new(None);
        let (alive_in, request_in, closure_in) = (alive.clone(), request_id.clone(), closure.clone());
        *closure.borrow_mut() = Some(Closure::new(move |timestamp: f64| {
            if !alive_in.get() {
                return;
            }
            let wall_dt_ms = last_timestamp.get().map_or(0.0, |last| timestamp - last);
            last_timestamp.set(Some(timestamp));
            let changed = match store.0.try_borrow_mut() {
                Ok(mut state) => {
                    let before = state.version();
                    let (virtual_before, wall_before) = (state.world.now_ms(), js_sys::Date::now());
                    state.on_frame(wall_dt_ms);
                    let virtual_ms = (state.world.now_ms() - virtual_before) as f64;
                    state.record_step_cost(virtual_ms, js_sys::Date::now() - wall_before);
                    let changed = state.version() != before;
                    if changed {
                        state.note_appends(timestamp);
                    }
                    changed
                }
                Err(_) => false,
            };
            if changed {
                redraw();
            }
            if let Some(callback) = closure_in.borrow().as_ref() {
                request_in.set(request_frame(callback));
            }
        }));
        if let Some(callback) = closure.borrow().as_ref() {
            request_id.set(request_frame(callback));
        }
        FrameLoop { alive, request_id, closure }
    }
}

fn request_frame(callback: &Closure<dyn FnMut(f64)>) -> i32 {
    web_sys::window().and_then(|w| w.request_animation_frame(callback.as_ref().unchecked_ref()).ok()).unwrap_or(0)
}

impl Drop for FrameLoop {
    fn drop(&mut self) {
        self.alive.set(false);
        if let Some(window) = web_sys::window() {
            let _ = window.cancel_animation_frame(self.request_id.get());
        }
        // Breaks the closure's reference to itself; it is not running (we are in Yew's cleanup).
        self.closure.borrow_mut().take();
    }
}

#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    pub playing: bool,
    pub speed: f64,
    pub now_ms: i64,
    pub dispatch: Callback<SandboxAction>,
}

/// Play/pause, one step, speed and the virtual clock.
#[function_component(Controls)]
pub fn controls(props: &ControlsProps) -> Html {
    let toggle = props.dispatch.reform(|_: MouseEvent| SandboxAction::TogglePlay);
    let step = props.dispatch.reform(|_: MouseEvent| SandboxAction::Step);
    let clock = crate::sql::functions::format_millis(props.now_ms, "yyyy-MM-dd HH:mm:ss.SSS", 0).unwrap_or_else(|_| props.now_ms.to_string());
    html! {
        <div class="controls" role="toolbar" aria-label="Time controls">
            <button class="control-play" onclick={toggle} aria-pressed={(!props.playing).to_string()}>
                { if props.playing { "❚❚ Pause" } else { "▶ Play" } }
            </button>
            <button class="control-step" onclick={step} title="Advance 100 ms of virtual time">{ "Step ›" }</button>
            <div class="speed" role="group" aria-label="Speed">
                { for SPEEDS.iter().map(|&speed| {
                    let onclick = props.dispatch.reform(move |_: MouseEvent| SandboxAction::SetSpeed(speed));
                    let active = (props.speed - speed).abs() < f64::EPSILON;
                    html! { <button class={classes!("speed-button", active.then_some("active"))} aria-pressed={active.to_string()} {onclick}>{ format!("{speed}×") }</button> }
                }) }
            </div>
            <span class="virtual-clock" title="Virtual time (UTC)">{ clock }</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct GroupsProps {
    /// Group id, offline, total lag.
    groups: Vec<(String, bool, u64)>,
    dispatch: Callback<SandboxAction>,
}

/// Consumer groups with their lag; a group can be taken offline (its consumers stop receiving,
/// lag grows) and brought back (it resumes from its committed offsets).
#[function_component(Groups)]
fn groups(props: &GroupsProps) -> Html {
    if props.groups.is_empty() {
        return html! {};
    }
    html! {
        <section class="groups" aria-labelledby="groups-title">
            <h3 id="groups-title">{ "Consumer groups" }</h3>
            <ul class="group-list">
                { for props.groups.iter().map(|(group, paused, lag)| {
                    let toggle = {
                        let (group, paused) = (group.clone(), *paused);
                        props.dispatch.reform(move |_: MouseEvent| SandboxAction::ToggleGroup { group: group.clone(), paused })
                    };
                    html! {
                        <li class={classes!("group", paused.then_some("paused"))} data-group={group.clone()}>
                            <span class="group-name">{ group }</span>
                            <span class="group-lag">{ format!("lag {lag}{}", if *paused { " · offline" } else { "" }) }</span>
                            <button class="group-toggle" onclick={toggle}>{ if *paused { "Bring online" } else { "Take offline" } }</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}
