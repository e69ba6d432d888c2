//! The sandbox's two-pane demo layout and "Reset demo".
//!
//! ksqlDB is usually shown with two terminals side by side: statements and inserts typed on the
//! left, a `SELECT ... EMIT CHANGES` running on the right with its rows arriving. In
//! [`Layout::TwoPane`] the workspace shows exactly that over the one world: a statement console
//! (its own history and results) and a push-query pane that keeps one push query running —
//! running another stops the previous one. The statement pane is the workspace's own console
//! (the same component, so its text survives the toggle), the push-query pane a second
//! [`SqlConsole`] over the same store whose Run goes through [`DemoAction::RunInPushPane`]. The
//! layout is toggled with D (presenter keys) or the sandbox's button; a deep link carries it.
//!
//! "Reset demo" rebuilds the sandbox's start (the seed's world, the link's speed, paused) and
//! swaps it in with `SandboxStore::replace_world`, the mechanism of the lesson's "Reset step";
//! the editors get the demo's SQL back and → types the script from its first statement again.

use super::console::{SqlConsole, EXAMPLE_SQL};
use super::sandbox::WorkspaceProps;
use super::store::{remember, ConsoleEntry, SandboxAction, SandboxStore};
use crate::share::fragment::DemoLink;
use crate::share::layout::Layout;
use std::rc::Rc;
use yew::prelude::*;

/// What the push-query pane's editor holds when it appears.
pub const PUSH_PANE_SQL: &str = "-- A push query runs here and keeps running; its rows arrive as\n-- statements on the left write records. For example:\n-- SELECT * FROM my_stream EMIT CHANGES;\n";
/// The two panes' classes in the DOM (scripted typing finds the push-query pane's editor by its).
pub const STATEMENTS_PANE_CLASS: &str = "demo-pane-statements";
pub const PUSH_PANE_CLASS: &str = "demo-pane-push";

/// The layout and the push-query pane's state, kept in the store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DemoPanes {
    pub layout: Layout,
    /// The console entry the push-query pane shows (it stays in `SandboxStore::entries`, so its
    /// rows stream like any other push query's).
    pub pane_entry: Option<u64>,
    /// The push query it runs, to stop it even if the learner cleared its entry meanwhile.
    pub pane_query: Option<String>,
    /// The push-query pane's own history (↑ in its editor).
    pub history: Rc<Vec<String>>,
}

pub enum DemoAction {
    ToggleLayout,
    /// Run a script in the push-query pane: the pane's previous push query stops first.
    RunInPushPane(String),
    /// The statement console's "Clear results" (the push-query pane keeps its query).
    ClearStatements,
    /// The push-query pane's "Clear results": its query stops and its entry goes.
    ClearPushPane,
    /// "Reset demo": the start the sandbox had, with the seed's world and the link's clock.
    Reset { seed: u64, link: Option<Rc<DemoLink>> },
}

impl DemoAction {
    pub fn apply(self, store: &mut SandboxStore) {
        match self {
            DemoAction::ToggleLayout => store.demo.layout = store.demo.layout.toggled(),
            DemoAction::RunInPushPane(sql) => {
                if sql.trim().is_empty() {
                    return;
                }
                stop_pane_query(store);
                remember(&mut store.demo.history, &sql);
                let open_before = store.world.engine().push_query_ids();
                store.execute_and_show(sql);
                store.demo.pane_entry = store.entries.last().map(|entry| entry.id);
                store.demo.pane_query = store.world.engine().push_query_ids().into_iter().find(|id| !open_before.contains(id));
            }
            DemoAction::ClearStatements => {
                let pinned = store.demo.pane_entry;
                store.entries.retain(|entry| Some(entry.id) == pinned);
            }
            DemoAction::ClearPushPane => stop_pane_query(store),
            DemoAction::Reset { seed, link } => {
                let start = super::sandbox::start_store(seed, link.as_deref());
                store.replace_world(start.world);
                store.playing = start.playing;
                store.speed = start.speed;
                // The layout is the speaker's choice of the moment: a reset keeps it. The pane's
                // query went with the old world.
                store.demo.pane_entry = None;
                store.demo.pane_query = None;
            }
        }
    }
}

/// Stops the pane's push query (if it still runs) and removes its entry.
fn stop_pane_query(store: &mut SandboxStore) {
    if let Some(query_id) = store.demo.pane_query.take() {
        if store.world.engine().push_query_ids().contains(&query_id) {
            let _ = store.world.execute_sql(&format!("TERMINATE {query_id};"));
        }
    }
    if let Some(entry_id) = store.demo.pane_entry.take() {
        store.entries.retain(|entry| entry.id != entry_id);
    }
}

/// "Reset demo", in the browser: the store's reset, then the editors and the demo script (the
/// consoles keep their text in their own state, so they are written like typing).
pub fn reset_demo(dispatch: &Callback<SandboxAction>, seed: u64, link: Option<Rc<DemoLink>>) {
    super::presenter::typing::cancel();
    let sql = link.as_ref().map(|l| l.sql.clone()).unwrap_or_default();
    dispatch.emit(SandboxAction::Demo(DemoAction::Reset { seed, link }));
    super::presenter::typing::set_pane_text(None, if sql.is_empty() { EXAMPLE_SQL } else { &sql });
    super::presenter::typing::set_pane_text(Some(PUSH_PANE_CLASS), PUSH_PANE_SQL);
    super::presenter::set_demo_script(&sql);
}

/// The entries the console shows: all of them, except the push-query pane's in the two-pane
/// layout (in the standard layout that query's entry shows among the others).
pub fn console_entries(store: &SandboxStore) -> Rc<Vec<Rc<ConsoleEntry>>> {
    let pinned = (store.demo.layout == Layout::TwoPane).then_some(store.demo.pane_entry).flatten();
    Rc::new(store.entries.iter().filter(|entry| Some(entry.id) != pinned).cloned().collect())
}

/// The console's actions: in the two-pane layout its "Clear results" leaves the push-query
/// pane alone. Made once per dispatch and layout, so the console's props stay equal.
#[hook]
pub fn use_console_dispatch(dispatch: Callback<SandboxAction>, two_pane: bool) -> Callback<SandboxAction> {
    let routed = use_memo((dispatch, two_pane), |(dispatch, two_pane)| {
        if !*two_pane {
            return dispatch.clone();
        }
        let dispatch = dispatch.clone();
        Callback::from(move |action: SandboxAction| match action {
            SandboxAction::ClearConsole => dispatch.emit(SandboxAction::Demo(DemoAction::ClearStatements)),
            other => dispatch.emit(other),
        })
    });
    (*routed).clone()
}

/// The push-query pane of [`Layout::TwoPane`]: a console whose Run replaces the pane's push
/// query, showing only that query's entry, with its own history. It takes the workspace's props.
#[function_component(PushPane)]
pub fn push_pane(props: &WorkspaceProps) -> Html {
    let dispatch = use_memo(props.dispatch.clone(), |dispatch| {
        let dispatch = dispatch.clone();
        Callback::from(move |action: SandboxAction| match action {
            SandboxAction::RunSql(sql) => dispatch.emit(SandboxAction::Demo(DemoAction::RunInPushPane(sql))),
            SandboxAction::ClearConsole => dispatch.emit(SandboxAction::Demo(DemoAction::ClearPushPane)),
            other => dispatch.emit(other),
        })
    });
    let state = props.store.0.borrow();
    let pinned = state.demo.pane_entry;
    let entries: Vec<Rc<ConsoleEntry>> = state.entries.iter().filter(|entry| Some(entry.id) == pinned).cloned().collect();
    // Back in the layout, the editor shows the query it ran last.
    let initial_text = state.demo.history.last().map_or(AttrValue::Static(PUSH_PANE_SQL), |sql| AttrValue::from(sql.clone()));
    html! {
        <section class={classes!("panel", "demo-pane", PUSH_PANE_CLASS)} aria-labelledby="demo-push-title">
            <h2 id="demo-push-title">{ "Push query" }</h2>
            <SqlConsole entries={Rc::new(entries)} history={state.demo.history.clone()} completion_context={state.completion_context.clone()}
                        dispatch={(*dispatch).clone()} label="Push query SQL" {initial_text}
                        empty_hint="Run SELECT … EMIT CHANGES here: it keeps running while statements run on the left, and its rows appear here as they arrive." />
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct DemoButtonsProps {
    pub layout: Layout,
    pub seed: u64,
    pub link: Option<Rc<DemoLink>>,
    pub dispatch: Callback<SandboxAction>,
}

/// The sandbox bar's "Demo layout" toggle (D) and "Reset demo".
#[function_component(DemoButtons)]
pub fn demo_buttons(props: &DemoButtonsProps) -> Html {
    let toggle = props.dispatch.reform(|_: MouseEvent| SandboxAction::Demo(DemoAction::ToggleLayout));
    let reset = {
        let (dispatch, seed, link) = (props.dispatch.clone(), props.seed, props.link.clone());
        Callback::from(move |_: MouseEvent| reset_demo(&dispatch, seed, link.clone()))
    };
    let two_pane = props.layout == Layout::TwoPane;
    html! {
        <div class="demo-buttons" role="group" aria-label="Demo">
            <button class={classes!("demo-layout-toggle", two_pane.then_some("active"))} aria-pressed={two_pane.to_string()} onclick={toggle}
                    title="Two panes: statements on the left, a running push query on the right (D)">
                { "◫ Demo layout" }
            </button>
            <button class="demo-reset" onclick={reset} title="Back to the demo's start: the seed's world at time zero, the demo's SQL in the editor">
                { "↺ Reset demo" }
            </button>
        </div>
    }
}
